#include <telepane/core/media/frame_converter.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>

using telepane::core::media::FrameConverter;
using telepane::sdk::FrameBuffer;

namespace {
FrameBuffer solid_bgra(uint32_t w, uint32_t h, uint8_t b, uint8_t g, uint8_t r) {
  FrameBuffer f(TP_PIXEL_FORMAT_BGRA, w, h);
  for (uint32_t y = 0; y < h; ++y)
    for (uint32_t x = 0; x < w; ++x) {
      uint8_t* p = f.plane(0) + std::size_t(f.stride(0)) * y + x * 4;
      p[0] = b, p[1] = g, p[2] = r, p[3] = 255;
    }
  return f;
}
}  // namespace

TEST_CASE("BGRA to I420 uses BT.601 limited range: red and green land where the standard puts them") {
  FrameConverter c;
  for (auto [b, g, r, y, u, v] : {std::tuple{0, 0, 255, 82, 90, 240}, std::tuple{0, 255, 0, 145, 54, 34}}) {
    const auto src = solid_bgra(64, 48, uint8_t(b), uint8_t(g), uint8_t(r));
    const tp_frame& out = c.convert(src.view(), TP_PIXEL_FORMAT_I420);
    REQUIRE(out.format == TP_PIXEL_FORMAT_I420);
    CHECK(std::abs(int(out.planes[0][0]) - y) <= 2);
    CHECK(std::abs(int(out.planes[1][0]) - u) <= 2);
    CHECK(std::abs(int(out.planes[2][0]) - v) <= 2);
  }
}

TEST_CASE("every conversion round-trips a picture closely, odd sizes included, and keeps timing and damage") {
  FrameBuffer src(TP_PIXEL_FORMAT_BGRA, 33, 17);
  for (uint32_t y = 0; y < 17; ++y)
    for (uint32_t x = 0; x < 33; ++x) {
      uint8_t* p = src.plane(0) + std::size_t(src.stride(0)) * y + x * 4;
      p[0] = uint8_t(x * 7), p[1] = uint8_t(y * 13), p[2] = 128, p[3] = 255;
    }
  tp_frame in = src.view();
  in.pts_us = 42;
  tp_rect damage{1, 2, 3, 4};
  in.damage = &damage;
  in.damage_count = 1;
  for (auto middle : {TP_PIXEL_FORMAT_I420, TP_PIXEL_FORMAT_NV12}) {
    FrameConverter there, back;
    const tp_frame& mid = there.convert(in, middle);
    CHECK(mid.pts_us == 42);
    CHECK(mid.damage_count == 1);
    const tp_frame& out = back.convert(mid, TP_PIXEL_FORMAT_BGRA);
    REQUIRE(out.width == 33);
    // Chroma is shared by 2x2 pixels, so smooth gradients come back within a few levels.
    int worst = 0;
    for (uint32_t y = 0; y < 17; ++y)
      for (uint32_t x = 0; x < 33; ++x)
        for (int k = 0; k < 3; ++k)
          worst = std::max(worst, std::abs(int(out.planes[0][std::size_t(out.strides[0]) * y + x * 4 + k]) -
                                           int(src.plane(0)[std::size_t(src.stride(0)) * y + x * 4 + k])));
    CHECK(worst <= 12);
  }
  FrameConverter c;
  CHECK(&c.convert(in, TP_PIXEL_FORMAT_BGRA) == &in);  // nothing to do: no copy
  FrameConverter i2n, n2i;
  const tp_frame& i420 = i2n.convert(in, TP_PIXEL_FORMAT_I420);
  FrameConverter to_nv12;
  const tp_frame& nv12 = to_nv12.convert(i420, TP_PIXEL_FORMAT_NV12);
  const tp_frame& again = n2i.convert(nv12, TP_PIXEL_FORMAT_I420);
  CHECK(std::equal(again.planes[0], again.planes[0] + 33, i420.planes[0]));
}

TEST_CASE("invalid frames are refused with the reason") {
  FrameConverter c;
  tp_frame f{};
  f.struct_size = sizeof f;
  f.format = TP_PIXEL_FORMAT_BGRA;
  f.width = 16;
  f.height = 16;
  CHECK_THROWS_WITH(c.convert(f, TP_PIXEL_FORMAT_I420), "frame plane 0 is missing or too narrow");
  f.width = 0;
  CHECK_THROWS_WITH(c.convert(f, TP_PIXEL_FORMAT_I420), "frame size out of range");
}
