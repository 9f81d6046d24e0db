// The raw codec's packet: a 16-byte header and the BGRA pixels, rows tightly packed. Lossless and trivially
// checkable, so it is the reference every other codec's output is compared with.
//
//   offset 0  "TPR1"          magic and format version
//   offset 4  u32 BE width
//   offset 8  u32 BE height
//   offset 12 u32 BE flags    (bit 0: keyframe; every raw packet is one)
//   offset 16 width*height*4 bytes of BGRA
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace telepane::raw {

constexpr std::size_t kHeaderSize = 16;
constexpr uint32_t kMaxSide = 16384;

struct Header {
  uint32_t width = 0;
  uint32_t height = 0;
  uint32_t flags = 0;
};

void write_header(uint8_t* out, const Header& h);
// Checks a packet; returns an empty string when valid, else what is wrong with it.
std::string parse(const uint8_t* data, std::size_t size, Header& out);

}  // namespace telepane::raw
