// GLFW key codes (layout-independent, named after a US keyboard) to X11 keysyms, which the input service injects.
// Letters map to their lower-case keysym: the host applies Shift itself, because Shift is forwarded as a key too.
#pragma once

#include <cstdint>

namespace telepane::frontend {

// 0 when the key has no keysym here.
uint32_t keysym_for_glfw_key(int key);

}  // namespace telepane::frontend
