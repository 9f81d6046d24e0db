// Telepane SDK: the input events of the "input" service, as bytes. The same bytes travel on the service's channel
// and on the viewer's bus topic "input.send", where frontends publish them:
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

namespace telepane::sdk::input {

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

namespace detail {
inline void put32(std::vector<uint8_t>& o, uint32_t v) {
  for (int i = 3; i >= 0; --i) o.push_back(uint8_t(v >> (8 * i)));
}
inline void put16(std::vector<uint8_t>& o, uint16_t v) {
  o.push_back(uint8_t(v >> 8));
  o.push_back(uint8_t(v));
}
inline uint32_t get32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline uint16_t get16(const uint8_t* p) {
  return uint16_t(uint16_t(p[0]) << 8 | p[1]);
}
constexpr int32_t kMaxCoordinate = 65535;
constexpr int16_t kMaxNotches = 100;
}  // namespace detail

// The event, or nullopt with `why` naming what is wrong (unknown type, wrong length, value out of range).
inline std::vector<uint8_t> encode(const Event& e) {
  std::vector<uint8_t> o;
  if (auto* m = std::get_if<PointerMove>(&e)) {
    o.push_back(1);
    detail::put32(o, uint32_t(m->x));
    detail::put32(o, uint32_t(m->y));
  } else if (auto* b = std::get_if<Button>(&e)) {
    o = {2, b->button, uint8_t(b->down ? 1 : 0)};
  } else if (auto* w = std::get_if<Wheel>(&e)) {
    o.push_back(3);
    detail::put16(o, uint16_t(w->dx));
    detail::put16(o, uint16_t(w->dy));
  } else if (auto* k = std::get_if<Key>(&e)) {
    o.push_back(4);
    detail::put32(o, k->keysym);
    o.push_back(k->down ? 1 : 0);
  }
  return o;
}

inline std::optional<Event> decode(const uint8_t* d, std::size_t n, std::string& why) {
  if (n == 0) {
    why = "empty input message";
    return std::nullopt;
  }
  auto length = [&](std::size_t want) {
    if (n == want) return true;
    why = "input message of type " + std::to_string(d[0]) + " has " + std::to_string(n) + " bytes, not " +
          std::to_string(want);
    return false;
  };
  switch (d[0]) {
    case 1: {
      if (!length(9)) return std::nullopt;
      const auto x = int32_t(detail::get32(d + 1)), y = int32_t(detail::get32(d + 5));
      if (x < 0 || y < 0 || x > detail::kMaxCoordinate || y > detail::kMaxCoordinate) {
        why = "pointer position out of range";
        return std::nullopt;
      }
      return PointerMove{x, y};
    }
    case 2: {
      if (!length(3)) return std::nullopt;
      const uint8_t b = d[1];
      if (!(b == 1 || b == 2 || b == 3 || b == 8 || b == 9) || d[2] > 1) {
        why = "unknown mouse button " + std::to_string(b);
        return std::nullopt;
      }
      return Button{b, d[2] == 1};
    }
    case 3: {
      if (!length(5)) return std::nullopt;
      const auto dx = int16_t(detail::get16(d + 1)), dy = int16_t(detail::get16(d + 3));
      if (dx < -detail::kMaxNotches || dx > detail::kMaxNotches || dy < -detail::kMaxNotches ||
          dy > detail::kMaxNotches) {
        why = "wheel movement out of range";
        return std::nullopt;
      }
      return Wheel{dx, dy};
    }
    case 4: {
      if (!length(6)) return std::nullopt;
      const uint32_t sym = detail::get32(d + 1);
      if (sym == 0 || sym > 0x1FFFFFFF || d[5] > 1) {
        why = "not a keysym";
        return std::nullopt;
      }
      return Key{sym, d[5] == 1};
    }
    default: why = "unknown input message type " + std::to_string(d[0]); return std::nullopt;
  }
}

}  // namespace telepane::sdk::input
