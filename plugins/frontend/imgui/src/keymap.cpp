#include "keymap.hpp"

#include <GLFW/glfw3.h>

namespace telepane::frontend {

uint32_t keysym_for_glfw_key(int key) {
  if (key >= GLFW_KEY_A && key <= GLFW_KEY_Z) return uint32_t('a' + (key - GLFW_KEY_A));
  if (key >= GLFW_KEY_0 && key <= GLFW_KEY_9) return uint32_t('0' + (key - GLFW_KEY_0));
  if (key >= GLFW_KEY_F1 && key <= GLFW_KEY_F24) return uint32_t(0xffbe + (key - GLFW_KEY_F1));
  if (key >= GLFW_KEY_KP_0 && key <= GLFW_KEY_KP_9) return uint32_t(0xffb0 + (key - GLFW_KEY_KP_0));
  switch (key) {
    case GLFW_KEY_SPACE: return 0x20;
    case GLFW_KEY_APOSTROPHE: return 0x27;
    case GLFW_KEY_COMMA: return 0x2c;
    case GLFW_KEY_MINUS: return 0x2d;
    case GLFW_KEY_PERIOD: return 0x2e;
    case GLFW_KEY_SLASH: return 0x2f;
    case GLFW_KEY_SEMICOLON: return 0x3b;
    case GLFW_KEY_EQUAL: return 0x3d;
    case GLFW_KEY_LEFT_BRACKET: return 0x5b;
    case GLFW_KEY_BACKSLASH: return 0x5c;
    case GLFW_KEY_RIGHT_BRACKET: return 0x5d;
    case GLFW_KEY_GRAVE_ACCENT: return 0x60;
    case GLFW_KEY_ESCAPE: return 0xff1b;
    case GLFW_KEY_ENTER: return 0xff0d;
    case GLFW_KEY_TAB: return 0xff09;
    case GLFW_KEY_BACKSPACE: return 0xff08;
    case GLFW_KEY_INSERT: return 0xff63;
    case GLFW_KEY_DELETE: return 0xffff;
    case GLFW_KEY_RIGHT: return 0xff53;
    case GLFW_KEY_LEFT: return 0xff51;
    case GLFW_KEY_DOWN: return 0xff54;
    case GLFW_KEY_UP: return 0xff52;
    case GLFW_KEY_PAGE_UP: return 0xff55;
    case GLFW_KEY_PAGE_DOWN: return 0xff56;
    case GLFW_KEY_HOME: return 0xff50;
    case GLFW_KEY_END: return 0xff57;
    case GLFW_KEY_CAPS_LOCK: return 0xffe5;
    case GLFW_KEY_SCROLL_LOCK: return 0xff14;
    case GLFW_KEY_NUM_LOCK: return 0xff7f;
    case GLFW_KEY_PRINT_SCREEN: return 0xff61;
    case GLFW_KEY_PAUSE: return 0xff13;
    case GLFW_KEY_KP_DECIMAL: return 0xffae;
    case GLFW_KEY_KP_DIVIDE: return 0xffaf;
    case GLFW_KEY_KP_MULTIPLY: return 0xffaa;
    case GLFW_KEY_KP_SUBTRACT: return 0xffad;
    case GLFW_KEY_KP_ADD: return 0xffab;
    case GLFW_KEY_KP_ENTER: return 0xff8d;
    case GLFW_KEY_KP_EQUAL: return 0xffbd;
    case GLFW_KEY_LEFT_SHIFT: return 0xffe1;
    case GLFW_KEY_RIGHT_SHIFT: return 0xffe2;
    case GLFW_KEY_LEFT_CONTROL: return 0xffe3;
    case GLFW_KEY_RIGHT_CONTROL: return 0xffe4;
    case GLFW_KEY_LEFT_ALT: return 0xffe9;
    case GLFW_KEY_RIGHT_ALT: return 0xffea;
    case GLFW_KEY_LEFT_SUPER: return 0xffeb;
    case GLFW_KEY_RIGHT_SUPER: return 0xffec;
    case GLFW_KEY_MENU: return 0xff67;
    default: return 0;
  }
}

}  // namespace telepane::frontend
