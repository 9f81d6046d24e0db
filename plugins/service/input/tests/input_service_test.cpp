// The input service through its vtable: the host side injects into a real X server (a private Xvfb) and an X
// client there receives exactly the events the viewer sent; the viewer side sends only well-formed events; bad
// messages end the session with the reason.
#include <telepane/sdk/input_events.hpp>
#include "x_app_window.hpp"
#include "xvfb.hpp"

#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <X11/Xutil.h>
#include <X11/keysym.h>

#include <chrono>
#include <thread>

extern "C" const tp_plugin_desc* tp_plugin_entry(uint16_t, uint16_t);

using namespace telepane::sdk::input;
using telepane::test::AppWindow;
using telepane::test::Xvfb;

namespace {
const tp_service_vtbl* vt() {
  return static_cast<const tp_service_vtbl*>(tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR)->features[0].vtable);
}

struct Sent {
  std::vector<std::vector<uint8_t>> messages;
};

tp_session_api session(Sent& sent, bool is_host) {
  return {sizeof(tp_session_api), &sent, is_host ? 1u : 0u,
          [](void* ctx, tp_bytes m) -> tp_status {
            static_cast<Sent*>(ctx)->messages.emplace_back(m.data, m.data + m.size);
            return TP_OK;
          },
          [](void*, const char*) {}};
}

tp_status send(tp_service* svc, const Event& e, std::string* why = nullptr) {
  const auto bytes = encode(e);
  tp_error err{};
  const tp_status s = vt()->on_message(svc, {bytes.data(), bytes.size()}, &err);
  if (why) *why = err.message;
  return s;
}
}  // namespace

TEST_CASE("a click and typed text from the viewer reach an application on the host display, exactly") {
  Xvfb x;
  AppWindow app(x.display);
  telepane::fakes::FakeHost host;
  host.set_config("display", x.display);
  Sent sent;
  const tp_session_api api = session(sent, /*is_host=*/true);
  tp_service* svc = nullptr;
  tp_error err{};
  REQUIRE(vt()->create(host.table(), &api, &svc, &err) == TP_OK);

  // Into the window (focus follows the pointer without a window manager), a click, then "hi" and a shifted "A".
  for (const Event& e : std::vector<Event>{PointerMove{150, 150}, Button{1, true}, Button{1, false}, Key{XK_h, true},
                                           Key{XK_h, false}, Key{XK_i, true}, Key{XK_i, false}, Key{XK_Shift_L, true},
                                           Key{XK_a, true}, Key{XK_a, false}, Key{XK_Shift_L, false}})
    REQUIRE(send(svc, e) == TP_OK);

  std::string typed;
  int presses = 0, releases = 0;
  for (auto& e : app.events(std::chrono::milliseconds(500))) {
    if (e.type == ButtonPress) {
      ++presses;
      CHECK(e.xbutton.button == 1);
      CHECK(e.xbutton.x == 100);  // window-relative: the window is at 50,50
      CHECK(e.xbutton.y == 100);
    }
    if (e.type == ButtonRelease) ++releases;
    if (e.type == KeyPress) {
      char buf[8] = {};
      KeySym sym = 0;
      const int n = XLookupString(&e.xkey, buf, sizeof buf, &sym, nullptr);
      typed.append(buf, std::size_t(n));
    }
  }
  CHECK(presses == 1);
  CHECK(releases == 1);
  CHECK(typed == "hiA");
  vt()->destroy(svc);
}

TEST_CASE("malformed input ends the session with the reason, and the viewer side sends only valid events") {
  Xvfb x;
  telepane::fakes::FakeHost host;
  host.set_config("display", x.display);
  Sent sent;
  const tp_session_api host_api = session(sent, true);
  tp_service* svc = nullptr;
  tp_error err{};
  REQUIRE(vt()->create(host.table(), &host_api, &svc, &err) == TP_OK);
  for (auto [bytes, reason] : std::vector<std::pair<std::vector<uint8_t>, std::string>>{
           {{}, "empty input message"},
           {{9, 1, 2}, "unknown input message type 9"},
           {{1, 0, 0}, "input message of type 1 has 3 bytes, not 9"},
           {{2, 7, 1}, "unknown mouse button 7"},
           {{1, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, "pointer position out of range"}}) {
    tp_error e{};
    CHECK(vt()->on_message(svc, {bytes.data(), bytes.size()}, &e) == TP_ERR_PROTOCOL);
    CHECK(std::string(e.message) == reason);
  }
  vt()->destroy(svc);

  telepane::fakes::FakeHost viewer;
  Sent out;
  const tp_session_api viewer_api = session(out, false);
  REQUIRE(vt()->create(viewer.table(), &viewer_api, &svc, &err) == TP_OK);
  const auto click = encode(Button{1, true});
  const std::string junk = "\x09junk";
  viewer.table()->publish(viewer.table(), "input.send", {click.data(), click.size()});
  viewer.table()->publish(viewer.table(), "input.send", {reinterpret_cast<const uint8_t*>(junk.data()), junk.size()});
  REQUIRE(out.messages.size() == 1);
  CHECK(out.messages[0] == click);
  const auto to_viewer = encode(Button{1, true});
  CHECK(vt()->on_message(svc, {to_viewer.data(), to_viewer.size()}, &err) == TP_ERR_PROTOCOL);
  vt()->destroy(svc);
}

TEST_CASE("a host without an X display cannot run the input service, and says why") {
  telepane::fakes::FakeHost host;
  host.set_config("display", ":986");
  Sent sent;
  const tp_session_api api = session(sent, true);
  tp_service* svc = nullptr;
  tp_error err{};
  CHECK(vt()->create(host.table(), &api, &svc, &err) == TP_ERR_UNSUPPORTED);
  CHECK(std::string(err.message) == "input: cannot open X display ':986'");
}
