#include "picture_slot.hpp"

#include <catch2/catch.hpp>

#include <vector>

using telepane::frontend::Picture;
using telepane::frontend::PictureSlot;

namespace {
tp_frame bgra_frame(std::vector<uint8_t>& px, uint32_t w, uint32_t h, uint8_t b, uint8_t g, uint8_t r) {
  px.assign(std::size_t(w) * h * 4, 0);
  for (std::size_t i = 0; i < px.size(); i += 4) {
    px[i] = b;
    px[i + 1] = g;
    px[i + 2] = r;
    px[i + 3] = 255;
  }
  tp_frame f{};
  f.struct_size = sizeof f;
  f.format = TP_PIXEL_FORMAT_BGRA;
  f.width = w;
  f.height = h;
  f.planes[0] = px.data();
  f.strides[0] = w * 4;
  return f;
}
}  // namespace

TEST_CASE("a BGRA picture arrives as RGBA for GL") {
  PictureSlot slot;
  std::vector<uint8_t> px;
  REQUIRE(slot.put(bgra_frame(px, 4, 2, 10, 20, 30), 5));
  Picture out;
  REQUIRE(slot.take(out));
  CHECK(out.width == 4);
  CHECK(out.height == 2);
  CHECK(out.arrived_ns == 5);
  REQUIRE(out.rgba.size() == 32);
  CHECK(out.rgba[0] == 30);
  CHECK(out.rgba[1] == 20);
  CHECK(out.rgba[2] == 10);
  CHECK(out.rgba[3] == 255);
  CHECK_FALSE(slot.take(out));  // nothing newer
}

TEST_CASE("an I420 picture is converted with BT.601 colours") {
  // Y=81, U=90, V=240 is pure red (255, 0, 0) in BT.601 limited range.
  const uint32_t w = 4, h = 4;
  std::vector<uint8_t> y(w * h, 81), u(4, 90), v(4, 240);
  tp_frame f{};
  f.struct_size = sizeof f;
  f.format = TP_PIXEL_FORMAT_I420;
  f.width = w;
  f.height = h;
  f.planes[0] = y.data();
  f.planes[1] = u.data();
  f.planes[2] = v.data();
  f.strides[0] = w;
  f.strides[1] = f.strides[2] = w / 2;
  PictureSlot slot;
  REQUIRE(slot.put(f, 1));
  Picture out;
  REQUIRE(slot.take(out));
  CHECK(out.rgba[0] >= 250);
  CHECK(out.rgba[1] <= 5);
  CHECK(out.rgba[2] <= 5);
}

TEST_CASE("the newest picture wins and the ones it replaced are counted") {
  PictureSlot slot;
  std::vector<uint8_t> a, b, c;
  REQUIRE(slot.put(bgra_frame(a, 2, 2, 1, 1, 1), 1));
  REQUIRE(slot.put(bgra_frame(b, 2, 2, 2, 2, 2), 2));
  REQUIRE(slot.put(bgra_frame(c, 8, 4, 3, 3, 3), 3));  // a new size is just another picture
  Picture out;
  REQUIRE(slot.take(out));
  CHECK(out.serial == 3);
  CHECK(out.width == 8);
  CHECK(out.rgba[0] == 3);
  CHECK(slot.dropped() == 2);
}

TEST_CASE("pictures the window cannot take are refused, not stored") {
  PictureSlot slot;
  std::vector<uint8_t> px;
  auto nv12 = bgra_frame(px, 2, 2, 0, 0, 0);
  nv12.format = TP_PIXEL_FORMAT_NV12;
  CHECK_FALSE(slot.put(nv12, 1));
  auto empty = bgra_frame(px, 2, 2, 0, 0, 0);
  empty.width = 0;
  CHECK_FALSE(slot.put(empty, 1));
  Picture out;
  CHECK_FALSE(slot.take(out));
}
