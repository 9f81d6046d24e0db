#include "raw_format.hpp"

#include <cstring>

namespace telepane::raw {
namespace {
void put32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24), p[1] = uint8_t(v >> 16), p[2] = uint8_t(v >> 8), p[3] = uint8_t(v);
}
uint32_t get32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
}  // namespace

void write_header(uint8_t* out, const Header& h) {
  std::memcpy(out, "TPR1", 4);
  put32(out + 4, h.width);
  put32(out + 8, h.height);
  put32(out + 12, h.flags);
}

std::string parse(const uint8_t* data, std::size_t size, Header& out) {
  if (data == nullptr || size < kHeaderSize) return "raw packet shorter than its 16-byte header";
  if (std::memcmp(data, "TPR1", 4) != 0) return "raw packet has a bad magic";
  out.width = get32(data + 4);
  out.height = get32(data + 8);
  out.flags = get32(data + 12);
  if (out.width == 0 || out.height == 0 || out.width > kMaxSide || out.height > kMaxSide)
    return "raw packet size " + std::to_string(out.width) + "x" + std::to_string(out.height) + " out of range";
  const std::size_t expected = kHeaderSize + std::size_t(out.width) * out.height * 4;
  if (size != expected) return "raw packet of " + std::to_string(size) + " bytes, expected " + std::to_string(expected);
  return {};
}

}  // namespace telepane::raw
