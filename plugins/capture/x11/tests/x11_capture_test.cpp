// The x11 capture plugin against a real X server: an Xvfb of its own (display number chosen by Xvfb), drawn on
// with Xlib as an application would, captured through the plugin's vtable.
#include "xvfb.hpp"

#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <X11/Xlib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

extern "C" const tp_plugin_desc* tp_plugin_entry(uint16_t, uint16_t);

using telepane::test::Xvfb;

namespace {
const tp_capture_vtbl* vt() {
  return static_cast<const tp_capture_vtbl*>(tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR)->features[0].vtable);
}

struct Capture {
  telepane::fakes::FakeHost host;
  tp_capture* cap = nullptr;
  explicit Capture(const std::string& display) {
    host.set_config("display", display);
    host.set_now_ns(123456789);
    tp_capture_params params{sizeof(tp_capture_params), 0, 0, 0, 0};
    tp_error err{};
    const tp_status s = vt()->create(host.table(), &params, &cap, &err);
    INFO(err.message);
    REQUIRE(s == TP_OK);
  }
  ~Capture() { vt()->destroy(cap); }
  tp_status grab(tp_frame& f, int64_t timeout_us) {
    f = {};
    f.struct_size = sizeof f;
    tp_error err{};
    return vt()->grab(cap, timeout_us, &f, &err);
  }
};

// Fills a rectangle of the root window in one colour, as an application drawing would.
void fill(const std::string& display, int x, int y, unsigned w, unsigned h, unsigned long rgb) {
  Display* d = XOpenDisplay(display.c_str());
  REQUIRE(d != nullptr);
  GC gc = XCreateGC(d, DefaultRootWindow(d), 0, nullptr);
  XSetForeground(d, gc, rgb);
  XFillRectangle(d, DefaultRootWindow(d), gc, x, y, w, h);
  XFreeGC(d, gc);
  XSync(d, False);
  XCloseDisplay(d);
}

uint32_t pixel(const tp_frame& f, uint32_t x, uint32_t y) {
  const uint8_t* p = f.planes[0] + std::size_t(f.strides[0]) * y + x * 4;
  return uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0];  // B G R X in memory
}
}  // namespace

TEST_CASE(
    "the first grab is the whole screen, a drawing is captured with its damage, an unchanged screen yields nothing") {
  Xvfb x;
  fill(x.display, 0, 0, 640, 480, 0x000000);
  Capture c(x.display);
  tp_frame f{};
  REQUIRE(c.grab(f, 1'000'000) == TP_OK);
  CHECK(f.format == TP_PIXEL_FORMAT_BGRA);
  CHECK(f.width == 640);
  CHECK(f.height == 480);
  CHECK(f.damage_count == 0);  // whole frame
  CHECK(f.capture_time_ns > 0);

  CHECK(c.grab(f, 200'000) == TP_ERR_AGAIN);  // nothing drawn since

  fill(x.display, 100, 50, 40, 30, 0x3366cc);
  REQUIRE(c.grab(f, 2'000'000) == TP_OK);
  CHECK(pixel(f, 110, 60) == 0x3366cc);
  CHECK(pixel(f, 10, 10) == 0x000000);
  REQUIRE(f.damage_count >= 1);
  bool covered = false;
  for (uint32_t i = 0; i < f.damage_count; ++i) {
    const tp_rect& r = f.damage[i];
    covered = covered || (r.x <= 100 && r.y <= 50 && r.x + int(r.width) >= 140 && r.y + int(r.height) >= 80);
    CHECK(r.width <= 640);  // only what changed, not the whole screen
  }
  CHECK(covered);
  CHECK(c.grab(f, 200'000) == TP_ERR_AGAIN);
}

TEST_CASE("a display that does not exist, and an X server that is not there, are named") {
  Xvfb x;
  telepane::fakes::FakeHost host;
  host.set_config("display", x.display);
  tp_capture_params second{sizeof(tp_capture_params), 1, 0, 0, 0};
  tp_capture* cap = nullptr;
  tp_error err{};
  CHECK(vt()->create(host.table(), &second, &cap, &err) == TP_ERR_NOT_FOUND);
  CHECK_THAT(std::string(err.message), Catch::Contains("display 1 does not exist"));
  telepane::fakes::FakeHost nowhere;
  nowhere.set_config("display", ":987");
  tp_capture_params first{sizeof(tp_capture_params), 0, 0, 0, 0};
  CHECK(vt()->create(nowhere.table(), &first, &cap, &err) == TP_ERR_UNSUPPORTED);
  CHECK_THAT(std::string(err.message), Catch::Contains("cannot open X display ':987'"));
}

TEST_CASE("the pointer is read apart from the picture: its position, and a shape that keeps its serial") {
  Xvfb x;
  Capture c(x.display);
  tp_frame f{};
  REQUIRE(c.grab(f, 1'000'000) == TP_OK);
  Display* d = XOpenDisplay(x.display.c_str());
  REQUIRE(d != nullptr);
  XWarpPointer(d, None, DefaultRootWindow(d), 0, 0, 0, 0, 200, 150);
  XSync(d, False);
  tp_cursor cur{};
  cur.struct_size = sizeof cur;
  tp_error err{};
  REQUIRE(vt()->cursor(c.cap, &cur, &err) == TP_OK);
  CHECK(cur.x == 200);
  CHECK(cur.y == 150);
  CHECK(cur.visible == 1);
  REQUIRE(cur.width > 0);
  REQUIRE(cur.height > 0);
  REQUIRE(cur.pixels != nullptr);
  CHECK(cur.hot_x < cur.width);
  const uint64_t serial = cur.shape_serial;
  XWarpPointer(d, None, DefaultRootWindow(d), 0, 0, 0, 0, 20, 30);
  XSync(d, False);
  REQUIRE(vt()->cursor(c.cap, &cur, &err) == TP_OK);
  CHECK(cur.x == 20);
  CHECK(cur.y == 30);
  CHECK(cur.shape_serial == serial);  // moved, same shape
  XCloseDisplay(d);
}
