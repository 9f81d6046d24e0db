// The test pattern: a pure function of (size, frame number), so any two runs, or a host and a test, agree on
// every pixel. Colour bars, a box that moves a fixed step each frame, and the frame number as 32 black/white
// 4x4 blocks in the top-left corner (readable back from a decoded frame).
#pragma once

#include <telepane/abi/tp_media.h>

#include <cstdint>
#include <vector>

namespace telepane::testpattern {

class Pattern {
 public:
  Pattern(uint32_t width, uint32_t height);

  // Renders frame n into the BGRA buffer (stride width*4) and returns the regions that differ from frame n-1
  // (the whole frame for n == 0 or a non-consecutive n).
  const std::vector<tp_rect>& render(uint64_t n);

  const std::vector<uint8_t>& pixels() const { return pixels_; }
  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }

  // Where the box is in frame n.
  tp_rect box(uint64_t n) const;
  // Reads the frame number back from BGRA pixels (any stride); -1 if the blocks are unreadable.
  static int64_t read_frame_number(const uint8_t* bgra, uint32_t stride, uint32_t width, uint32_t height);

  static constexpr uint32_t kBlock = 4;
  static constexpr uint32_t kBits = 32;

 private:
  void fill_background(const tp_rect& r);
  void fill_box(const tp_rect& r);
  void write_counter(uint64_t n);

  uint32_t width_, height_;
  std::vector<uint8_t> pixels_;
  std::vector<tp_rect> damage_;
  int64_t last_ = -1;
};

}  // namespace telepane::testpattern
