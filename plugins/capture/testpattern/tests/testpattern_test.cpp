#include "pattern.hpp"

#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <string>

extern "C" const tp_plugin_desc* tp_plugin_entry(uint16_t, uint16_t);

using telepane::testpattern::Pattern;

namespace {
const tp_capture_vtbl* capture_vtbl() {
  const tp_plugin_desc* d = tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR);
  REQUIRE(d != nullptr);
  REQUIRE(d->feature_count == 1);
  return static_cast<const tp_capture_vtbl*>(d->features[0].vtable);
}

bool inside_any(uint32_t x, uint32_t y, const std::vector<tp_rect>& rects) {
  for (auto& r : rects)
    if (x >= uint32_t(r.x) && x < uint32_t(r.x) + r.width && y >= uint32_t(r.y) && y < uint32_t(r.y) + r.height)
      return true;
  return false;
}
}  // namespace

TEST_CASE("the same frame number renders the same pixels in any run") {
  Pattern a(320, 180), b(320, 180);
  for (uint64_t n = 0; n < 5; ++n) a.render(n);
  b.render(4);
  CHECK(a.pixels() == b.pixels());
}

TEST_CASE("damage rectangles cover every changed pixel") {
  for (auto [w, h] : {std::pair{320u, 180u}, std::pair{97u, 61u}, std::pair{1920u, 1080u}}) {
    Pattern p(w, h);
    p.render(0);
    for (uint64_t n = 1; n < 40; ++n) {
      const auto before = p.pixels();
      const auto damage = p.render(n);
      std::size_t changed = 0;
      for (uint32_t y = 0; y < h; ++y)
        for (uint32_t x = 0; x < w; ++x) {
          const std::size_t i = (std::size_t(y) * w + x) * 4;
          if (std::equal(before.begin() + long(i), before.begin() + long(i) + 4, p.pixels().begin() + long(i)))
            continue;
          ++changed;
          INFO("frame " << n << " pixel " << x << "," << y << " at " << w << "x" << h);
          REQUIRE(inside_any(x, y, damage));
        }
      REQUIRE(changed > 0);  // the box moves every frame
      std::size_t damaged_area = 0;
      for (auto& r : damage) damaged_area += std::size_t(r.width) * r.height;
      CHECK(damaged_area < std::size_t(w) * h / 2);  // damage is the moving parts, not the whole screen
    }
  }
}

TEST_CASE("the frame number reads back from the pixels") {
  Pattern p(640, 360);
  for (uint64_t n : {0ull, 1ull, 2ull, 12345ull, 4000000000ull}) {
    p.render(n);
    CHECK(Pattern::read_frame_number(p.pixels().data(), 640 * 4, 640, 360) == int64_t(n));
  }
  CHECK(Pattern::read_frame_number(p.pixels().data(), 64 * 4, 64, 64) == -1);
}

TEST_CASE("the plugin paces frames, sends damage and honours its config") {
  telepane::fakes::FakeHost host;
  host.set_config("width", int64_t{160});
  host.set_config("height", int64_t{90});
  host.set_config("fps", int64_t{20});
  const auto* vt = capture_vtbl();
  tp_error err{};
  REQUIRE(vt->probe(host.table(), &err) == TP_OK);

  tp_capture_params params{sizeof(tp_capture_params), 0, 0, 0, 0};
  tp_capture* cap = nullptr;
  REQUIRE(vt->create(host.table(), &params, &cap, &err) == TP_OK);
  tp_frame f{};
  f.struct_size = sizeof f;
  REQUIRE(vt->grab(cap, 0, &f, &err) == TP_OK);
  CHECK(f.width == 160);
  CHECK(f.height == 90);
  CHECK(f.format == TP_PIXEL_FORMAT_BGRA);
  CHECK(f.damage_count == 1);  // first frame: everything
  CHECK(Pattern::read_frame_number(f.planes[0], f.strides[0], f.width, f.height) == 0);
  // The next frame is due in 50 ms; a zero timeout gets nothing yet.
  CHECK(vt->grab(cap, 0, &f, &err) == TP_ERR_AGAIN);
  REQUIRE(vt->grab(cap, 200'000, &f, &err) == TP_OK);
  CHECK(f.pts_us == 50'000);
  CHECK(f.damage_count >= 2);
  CHECK(Pattern::read_frame_number(f.planes[0], f.strides[0], f.width, f.height) == 1);
  vt->destroy(cap);

  SECTION("capture params override the config") {
    tp_capture_params big{sizeof(tp_capture_params), 0, 400, 300, 0};
    REQUIRE(vt->create(host.table(), &big, &cap, &err) == TP_OK);
    REQUIRE(vt->grab(cap, 0, &f, &err) == TP_OK);
    CHECK(f.width == 400);
    CHECK(f.height == 300);
    vt->destroy(cap);
  }
  SECTION("without motion the screen stays unchanged and sends nothing") {
    host.set_config("motion", false);
    REQUIRE(vt->create(host.table(), &params, &cap, &err) == TP_OK);
    REQUIRE(vt->grab(cap, 0, &f, &err) == TP_OK);
    CHECK(vt->grab(cap, 100'000, &f, &err) == TP_ERR_AGAIN);
    vt->destroy(cap);
  }
  SECTION("a display that does not exist is refused") {
    params.display = 1;
    CHECK(vt->create(host.table(), &params, &cap, &err) == TP_ERR_NOT_FOUND);
    CHECK(std::string(err.message) == "testpattern has one display, index 0");
  }
}
