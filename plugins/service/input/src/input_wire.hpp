// The input service's messages, on its channel and on the viewer's bus topic "input.send" alike (the frontend
// publishes exactly these bytes):
//   [u8 1] pointer moved:  i32 BE x, i32 BE y        (host screen pixels)
//   [u8 2] button:         u8 button (1 left, 2 middle, 3 right, 8 back, 9 forward), u8 down (0/1)
//   [u8 3] wheel:          i16 BE dx, i16 BE dy      (notches; positive dy scrolls down, positive dx right)
//   [u8 4] key:            u32 BE keysym (X11 keysym), u8 down (0/1)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace telepane::input {

struct PointerMove {
  int32_t x, y;
};
struct Button {
  uint8_t button;
  bool down;
};
struct Wheel {
  int16_t dx, dy;
};
struct Key {
  uint32_t keysym;
  bool down;
};
using Event = std::variant<PointerMove, Button, Wheel, Key>;

std::vector<uint8_t> encode(const Event& e);
// The event, or nullopt with `why` naming what is wrong (unknown type, wrong length, value out of range).
std::optional<Event> decode(const uint8_t* data, std::size_t size, std::string& why);

}  // namespace telepane::input
