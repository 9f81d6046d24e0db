// Telepane SDK: checks on text that comes from a peer (chat, clipboard): well-formed UTF-8, no surrogates or
// overlong forms, and which control characters it holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace telepane::sdk {

struct TextCheck {
  bool valid_utf8 = true;
  bool has_controls = false;  // a C0 control other than tab, newline and carriage return, or DEL
};

inline TextCheck check_utf8(std::string_view text) {
  TextCheck r;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > text.size()) return {false, r.has_controls};
    uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc >> 6) != 0x2) return {false, r.has_controls};
      cp = (cp << 6) | (cc & 0x3F);
    }
    const bool overlong = (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {false, r.has_controls};
    if ((cp < 0x20 && cp != '\n' && cp != '\t' && cp != '\r') || cp == 0x7F) r.has_controls = true;
    i += n;
  }
  return r;
}

}  // namespace telepane::sdk
