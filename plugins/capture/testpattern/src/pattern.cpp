#include "pattern.hpp"

#include <algorithm>

namespace telepane::testpattern {
namespace {
// Eight SMPTE-like bars, BGRA.
constexpr uint8_t kBars[8][4] = {{235, 235, 235, 255}, {16, 235, 235, 255}, {235, 235, 16, 255}, {16, 235, 16, 255},
                                 {235, 16, 235, 255},  {16, 16, 235, 255},  {235, 16, 16, 255},  {16, 16, 16, 255}};
constexpr uint8_t kBox[4] = {0, 128, 255, 255};  // orange

tp_rect clip(tp_rect r, uint32_t w, uint32_t h) {
  const int64_t x0 = std::max<int64_t>(r.x, 0), y0 = std::max<int64_t>(r.y, 0);
  const int64_t x1 = std::min<int64_t>(int64_t(r.x) + r.width, w), y1 = std::min<int64_t>(int64_t(r.y) + r.height, h);
  if (x1 <= x0 || y1 <= y0) return {0, 0, 0, 0};
  return {int32_t(x0), int32_t(y0), uint32_t(x1 - x0), uint32_t(y1 - y0)};
}
}  // namespace

Pattern::Pattern(uint32_t width, uint32_t height)
    : width_(width), height_(height), pixels_(std::size_t(width) * height * 4) {}

tp_rect Pattern::box(uint64_t n) const {
  const uint32_t side = std::max<uint32_t>(8, std::min(width_, height_) / 8);
  const uint32_t span_x = width_ > side ? width_ - side : 1, span_y = height_ > side ? height_ - side : 1;
  // Bounce back and forth at 8 px a frame horizontally, 4 px vertically.
  auto bounce = [](uint64_t t, uint32_t span) {
    const uint64_t period = 2ull * span;
    const uint64_t p = t % period;
    return uint32_t(p < span ? p : period - p);
  };
  return clip({int32_t(bounce(n * 8, span_x)), int32_t(bounce(n * 4, span_y)), side, side}, width_, height_);
}

void Pattern::fill_background(const tp_rect& r) {
  for (uint32_t y = uint32_t(r.y); y < uint32_t(r.y) + r.height; ++y) {
    uint8_t* row = pixels_.data() + std::size_t(y) * width_ * 4;
    for (uint32_t x = uint32_t(r.x); x < uint32_t(r.x) + r.width; ++x) {
      const uint8_t* c = kBars[std::size_t(x) * 8 / width_];
      std::copy(c, c + 4, row + std::size_t(x) * 4);
    }
  }
}

void Pattern::fill_box(const tp_rect& r) {
  for (uint32_t y = uint32_t(r.y); y < uint32_t(r.y) + r.height; ++y) {
    uint8_t* row = pixels_.data() + std::size_t(y) * width_ * 4;
    for (uint32_t x = uint32_t(r.x); x < uint32_t(r.x) + r.width; ++x)
      std::copy(kBox, kBox + 4, row + std::size_t(x) * 4);
  }
}

void Pattern::write_counter(uint64_t n) {
  if (width_ < kBits * kBlock || height_ < kBlock) return;  // too small to carry the counter
  for (uint32_t bit = 0; bit < kBits; ++bit) {
    const uint8_t v = ((n >> (kBits - 1 - bit)) & 1) ? 255 : 0;
    for (uint32_t y = 0; y < kBlock; ++y) {
      uint8_t* p = pixels_.data() + (std::size_t(y) * width_ + bit * kBlock) * 4;
      for (uint32_t x = 0; x < kBlock; ++x, p += 4) p[0] = p[1] = p[2] = v, p[3] = 255;
    }
  }
}

const std::vector<tp_rect>& Pattern::render(uint64_t n) {
  damage_.clear();
  const tp_rect counter = clip({0, 0, kBits * kBlock, kBlock}, width_, height_);
  if (last_ < 0 || uint64_t(last_) + 1 != n) {
    fill_background({0, 0, width_, height_});
    damage_.push_back({0, 0, width_, height_});
  } else {
    const tp_rect old = box(uint64_t(last_));
    fill_background(old);
    damage_.push_back(old);
    damage_.push_back(box(n));
    if (counter.width != 0) damage_.push_back(counter);
  }
  fill_box(box(n));
  write_counter(n);
  last_ = int64_t(n);
  return damage_;
}

int64_t Pattern::read_frame_number(const uint8_t* bgra, uint32_t stride, uint32_t width, uint32_t height) {
  if (width < kBits * kBlock || height < kBlock) return -1;
  uint64_t n = 0;
  for (uint32_t bit = 0; bit < kBits; ++bit) {
    // Sample the block's centre: robust to a lossy codec's soft edges.
    const uint8_t* p = bgra + std::size_t(kBlock / 2) * stride + (bit * kBlock + kBlock / 2) * 4;
    const int luma = (p[0] + p[1] + p[2]) / 3;
    n = (n << 1) | (luma > 127 ? 1u : 0u);
  }
  return int64_t(n);
}

}  // namespace telepane::testpattern
