#include "keymap.hpp"

#include <GLFW/glfw3.h>
#include <catch2/catch.hpp>

using telepane::frontend::keysym_for_glfw_key;

TEST_CASE("keys map to the X keysyms the host injects") {
  CHECK(keysym_for_glfw_key(GLFW_KEY_A) == 'a');
  CHECK(keysym_for_glfw_key(GLFW_KEY_Z) == 'z');
  CHECK(keysym_for_glfw_key(GLFW_KEY_5) == '5');
  CHECK(keysym_for_glfw_key(GLFW_KEY_ENTER) == 0xff0d);
  CHECK(keysym_for_glfw_key(GLFW_KEY_LEFT_SHIFT) == 0xffe1);
  CHECK(keysym_for_glfw_key(GLFW_KEY_F1) == 0xffbe);
  CHECK(keysym_for_glfw_key(GLFW_KEY_F12) == 0xffc9);
  CHECK(keysym_for_glfw_key(GLFW_KEY_DELETE) == 0xffff);
  CHECK(keysym_for_glfw_key(GLFW_KEY_UNKNOWN) == 0);
}
