// The C++ SDK on the fake host: what a vendor's plugin relies on.
#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <stdexcept>

using namespace telepane::sdk;

TEST_CASE("guard turns every exception into a status and a message") {
  tp_error err{};
  CHECK(guard(&err, [] {}) == TP_OK);
  CHECK(guard(&err, [] { throw Error(TP_ERR_DENIED, "nope"); }) == TP_ERR_DENIED);
  CHECK(std::string(err.message) == "nope");
  CHECK(guard(&err, [] { throw std::runtime_error("plain"); }) == TP_ERR_INTERNAL);
  CHECK(std::string(err.message) == "plain");
  CHECK(guard(&err, [] { throw std::bad_alloc(); }) == TP_ERR_NO_MEMORY);
  CHECK(guard(&err, [] { throw 42; }) == TP_ERR_INTERNAL);
  CHECK(std::string(err.message) == "unknown exception");
  CHECK(guard(nullptr, [] { throw std::runtime_error("no buffer"); }) == TP_ERR_INTERNAL);  // err may be null
  CHECK(guard(&err, [] { throw Error(TP_OK, "ok is not a failure status"); }) == TP_ERR_INTERNAL);
}

TEST_CASE("error messages are truncated to the buffer, always terminated") {
  tp_error err{};
  set_error(&err, std::string(1000, 'x').c_str());
  CHECK(std::string(err.message).size() == TP_ERROR_MESSAGE_MAX - 1);
}

TEST_CASE("Host reads config, publishes, subscribes and posts") {
  telepane::fakes::FakeHost fake;
  fake.set_config("speed", int64_t{4});
  fake.set_config("name", std::string("x"));
  fake.set_config("on", true);
  fake.set_config("ratio", 0.5);
  Host host(fake.table());
  CHECK(host.config_int("speed") == 4);
  CHECK(host.config_string("name") == "x");
  CHECK(host.config_bool("on") == true);
  CHECK(host.config_double("ratio") == 0.5);
  CHECK_FALSE(host.config_int("missing"));
  CHECK_THROWS_AS(host.config_int("name"), Error);  // wrong type is an error, not a silent default

  std::string got;
  {
    Subscription sub = host.subscribe("a.*", [&](std::string_view topic, std::string_view payload) {
      got = std::string(topic) + "=" + std::string(payload);
    });
    host.publish("a.b", "1");
    CHECK(got == "a.b=1");
    CHECK(fake.subscription_count() == 1);
  }
  CHECK(fake.subscription_count() == 0);  // RAII ended it

  int ran = 0;
  host.post([&] { ++ran; });
  CHECK(ran == 0);
  CHECK(fake.run_posted() == 1);
  CHECK(ran == 1);
  host.info("hello");
  REQUIRE(fake.logs().size() == 1);
  CHECK(fake.logs()[0].message == "hello");
}

TEST_CASE("FrameBuffer lays out each format") {
  FrameBuffer i420(TP_PIXEL_FORMAT_I420, 5, 3);
  CHECK(i420.plane_count() == 3);
  CHECK(i420.stride(1) == 3);
  CHECK(i420.rows(1) == 2);
  CHECK(i420.bytes().size() == 5 * 3 + 2 * 3 * 2);
  FrameBuffer nv12(TP_PIXEL_FORMAT_NV12, 4, 4);
  CHECK(nv12.bytes().size() == 16 + 8);
  const tp_frame f = nv12.view();
  CHECK(f.planes[1] == f.planes[0] + 16);
  CHECK_THROWS_AS(FrameBuffer(TP_PIXEL_FORMAT_INVALID, 4, 4), Error);
  CHECK_THROWS_AS(FrameBuffer(TP_PIXEL_FORMAT_BGRA, 0, 4), Error);
  CHECK_THROWS_AS(FrameBuffer(TP_PIXEL_FORMAT_BGRA, 100000, 4), Error);
}

TEST_CASE("PluginDef builds a descriptor whose strings outlive the builder calls") {
  PluginDef def("org.example.test", {1, 2, 3});
  def.description("d").requires_plugin(std::string("org.example.") + "dep", {1, 0, 0}, {2, 0, 0});
  for (int i = 0; i < 50; ++i) def.optional_plugin("org.example.opt" + std::to_string(i), {0, 0, 0});
  const tp_plugin_desc* d = def.describe(nullptr, nullptr);
  CHECK(d->struct_size == sizeof(tp_plugin_desc));
  CHECK(d->abi_major == TP_ABI_MAJOR);
  CHECK(std::string(d->id) == "org.example.test");
  REQUIRE(d->dependency_count == 51);
  CHECK(std::string(d->dependencies[0].id) == "org.example.dep");
  CHECK(d->dependencies[0].kind == TP_DEPENDENCY_REQUIRED);
  CHECK(std::string(d->dependencies[50].id) == "org.example.opt49");
  CHECK(d->config_schema == nullptr);
}
