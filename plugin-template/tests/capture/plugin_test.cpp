// Drives the plugin's real entry point and vtable on the SDK's fake host (whose clock the test sets).
#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <string>

extern "C" const tp_plugin_desc* tp_plugin_entry(uint16_t, uint16_t);

TEST_CASE("the capture sends a frame, then nothing until the screen changes") {
  telepane::fakes::FakeHost host;
  host.set_config("width", int64_t{32});
  host.set_config("height", int64_t{16});
  const tp_plugin_desc* d = tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR);
  REQUIRE(d != nullptr);
  CHECK(std::string(d->id) == PLUGIN_ID);
  REQUIRE(d->feature_count == 1);
  REQUIRE(d->features[0].kind == TP_KIND_CAPTURE);
  auto* vt = static_cast<const tp_capture_vtbl*>(d->features[0].vtable);

  tp_error err{};
  REQUIRE(vt->probe(host.table(), &err) == TP_OK);
  tp_capture_params params{sizeof(tp_capture_params), 0, 0, 0, 0};
  tp_capture* cap = nullptr;
  REQUIRE(vt->create(host.table(), &params, &cap, &err) == TP_OK);

  tp_frame f{};
  f.struct_size = sizeof f;
  REQUIRE(vt->grab(cap, 0, &f, &err) == TP_OK);
  CHECK(f.width == 32);
  CHECK(f.height == 16);
  CHECK(f.damage_count == 1);
  CHECK(vt->grab(cap, 0, &f, &err) == TP_ERR_AGAIN);
  host.set_now_ns(2'000'000'000);
  CHECK(vt->grab(cap, 0, &f, &err) == TP_OK);
  vt->destroy(cap);

  SECTION("a display that does not exist is refused with a message") {
    params.display = 3;
    CHECK(vt->create(host.table(), &params, &cap, &err) == TP_ERR_NOT_FOUND);
    CHECK(std::string(err.message) == "this capture has one display, index 0");
  }
}
