// The loader's rules, each proved with a fixture library (tests/fixtures/plugins), all discovered in one run:
// every refusal is one log line naming the file and the reason, and the good plugins still load.
#include <telepane/abi/telepane.h>
#include <catch2/catch.hpp>
#include <telepane/core/plugins/plugin_manager.hpp>
#include <telepane/core/plugins/plugin_object.hpp>

#include "process.hpp"

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <mutex>

namespace fs = std::filesystem;
using namespace telepane::core;
using namespace telepane::core::plugins;

namespace {
struct Harness {
  std::mutex mu;
  std::vector<std::string> lines;
  Logger logger{[this](LogLevel level, const std::string& line) {
                  std::lock_guard lock(mu);
                  if (level >= LogLevel::Warn) lines.push_back(line);
                },
                LogLevel::Debug};
  ThreadPool pool{2};
  EventBus bus{logger};
  PluginManager manager{HostServices{logger, bus, pool}};

  std::vector<std::string> warnings_about(const std::string& file) {
    std::lock_guard lock(mu);
    std::vector<std::string> out;
    for (auto& l : lines)  // lines about a file start with its path; others may mention it later on
      if (l.find(file + ": ") != std::string::npos) out.push_back(l);
    return out;
  }
};

config::Value good_config() {
  config::Value v = config::Value::map({});
  v.set("greeting", config::Value::scalar("hi", false, {}));
  return v;
}

const PluginRecord& by_file(const PluginManager& m, const std::string& file) {
  for (auto& r : m.plugins())
    if (fs::path(r->path).filename() == file) return *r;
  FAIL("no record for " << file);
  throw std::logic_error("unreachable");
}

// Loads the fixture dir once per test case.
void load_fixtures(Harness& h, Selection sel = {}) {
  h.manager.discover({TELEPANE_FIXTURE_PLUGIN_DIR});
  h.manager.load(sel, [](const std::string& id) {
    return id == "org.telepane.test.good" ? good_config() : config::Value::map({});
  });
}

void expect_failure(Harness& h, const std::string& file, const std::string& reason) {
  const PluginRecord& r = by_file(h.manager, file);
  INFO(file << ": state " << state_name(r.state) << ", error: " << r.error);
  CHECK(r.state == PluginState::Failed);
  CHECK(r.error.find(reason) != std::string::npos);
  const auto warnings = h.warnings_about(file);
  REQUIRE(warnings.size() == 1);  // one clear line a cause
  CHECK(warnings[0].find(reason) != std::string::npos);
}
}  // namespace

TEST_CASE("every loader rule refuses its fixture with one line while the good plugins load") {
  Harness h;
  load_fixtures(h);

  SECTION("good plugins load") {
    for (auto file : {"fixture-good.so", "fixture-uses-good.so", "fixture-optional-missing.so", "fixture-c-plugin.so",
                      "fixture-dup-a.so", "fixture-create-throws.so"}) {
      const PluginRecord& r = by_file(h.manager, file);
      INFO(file << ": " << r.error);
      CHECK(r.state == PluginState::Loaded);
      CHECK(h.warnings_about(file).empty());
    }
  }
  SECTION("not a shared library") {
    expect_failure(h, "fixture-not-a-library.so", "not a loadable shared library");
  }
  SECTION("no entry symbol") {
    expect_failure(h, "fixture-no-entry.so", "no tp_plugin_entry symbol");
  }
  SECTION("ABI major mismatch") {
    expect_failure(h, "fixture-abi-major.so", "ABI major mismatch: built for ABI 2.0");
  }
  SECTION("built for a newer minor") {
    // The fixture is built for this header's minor + 1.
    expect_failure(h, "fixture-newer-minor.so",
                   "built for a newer ABI: 1." + std::to_string(TP_ABI_MINOR + 1) + " (this host speaks 1." +
                       std::to_string(TP_ABI_MINOR) + ")");
  }
  SECTION("duplicate id: the first file wins") {
    expect_failure(h, "fixture-dup-b.so", "duplicate id org.telepane.test.dup: already provided by");
    CHECK(by_file(h.manager, "fixture-dup-b.so").error.find("fixture-dup-a.so") != std::string::npos);
  }
  SECTION("missing required dependency, and its dependent fails too") {
    expect_failure(h, "fixture-needs-missing.so", "requires org.telepane.test.absent >=0.0.0, which is not installed");
    expect_failure(h, "fixture-needs-needs-missing.so", "requires org.telepane.test.needs-missing, which failed");
  }
  SECTION("dependency out of range") {
    expect_failure(h, "fixture-needs-newer-good.so", "requires org.telepane.test.good >=2.0.0 <3.0.0, found 0.5.0");
  }
  SECTION("cycle") {
    expect_failure(h, "fixture-cycle-a.so", "dependency cycle:");
    expect_failure(h, "fixture-cycle-b.so", "dependency cycle:");
    const std::string e = by_file(h.manager, "fixture-cycle-a.so").error;
    CHECK((e.find("cycle-a -> org.telepane.test.cycle-b -> org.telepane.test.cycle-a") != std::string::npos ||
           e.find("cycle-b -> org.telepane.test.cycle-a -> org.telepane.test.cycle-b") != std::string::npos));
  }
  SECTION("on_load fails") {
    expect_failure(h, "fixture-load-fails.so", "on_load failed: cannot open /dev/fixture");
  }
  SECTION("probe fails: that feature is set aside, the plugin's other features stay usable") {
    const PluginRecord& r = by_file(h.manager, "fixture-probe-fails.so");
    CHECK(r.state == PluginState::Loaded);
    CHECK(r.error == "encoder 'hw' probe failed: no such hardware encoder");
    CHECK_FALSE(h.manager.feature(TP_KIND_ENCODER, "hw"));
    CHECK(h.manager.feature(TP_KIND_CAPTURE, "works"));
    // Not a warning: the feature may be of no use here (a capture on a viewer); whoever needs it says why.
    CHECK(h.warnings_about("fixture-probe-fails.so").empty());
  }
  SECTION("dependencies load before their dependents") {
    // uses-good sorts before good by file name only if the loader ignored dependencies; check via features:
    // both loaded means good's on_load ran first (uses-good would have failed otherwise).
    CHECK(by_file(h.manager, "fixture-uses-good.so").state == PluginState::Loaded);
  }
}

TEST_CASE("a throwing create() comes back as a status and a message, never an exception") {
  Harness h;
  load_fixtures(h);
  auto f = h.manager.feature(TP_KIND_ENCODER, "throws");
  REQUIRE(f);
  const auto* vt = f->vtable<tp_encoder_vtbl>();
  tp_video_params p{sizeof(tp_video_params), 64, 64, 30, 0, vt->input_format};
  tp_encoder* enc = nullptr;
  tp_error err{};
  CHECK(vt->create(f->host, &p, &enc, &err) == TP_ERR_INTERNAL);
  CHECK(std::string(err.message) == "encoder constructor exploded");
  CHECK(enc == nullptr);
  // The core's wrapper names the plugin and the feature around the plugin's own message.
  CHECK_THROWS_WITH(create_encoder(*f, p),
                    "org.telepane.test.create-throws: encoder 'throws': encoder constructor exploded");
}

TEST_CASE("an object keeps its plugin's code mapped after the manager that loaded it is gone") {
  std::optional<EncoderObject> encoder;
  {
    Harness h;
    load_fixtures(h);
    auto f = h.manager.feature(TP_KIND_ENCODER, "good");
    REQUIRE(f);
    tp_video_params p{sizeof(tp_video_params), 8, 8, 30, 0, TP_PIXEL_FORMAT_BGRA};
    encoder.emplace(create_encoder(*f, p));
  }
  // Sanitizer builds really unload plugins: were the library unmapped, these calls would crash.
  uint8_t pixels[8 * 8 * 4] = {};
  tp_frame frame{};
  frame.struct_size = sizeof frame;
  frame.format = TP_PIXEL_FORMAT_BGRA;
  frame.width = frame.height = 8;
  frame.planes[0] = pixels;
  frame.strides[0] = 32;
  int packets = 0;
  tp_packet_sink sink{&packets, [](void* u, const tp_packet*) -> tp_status {
                        ++*static_cast<int*>(u);
                        return TP_OK;
                      }};
  tp_error err{};
  CHECK(encoder->vtable()->encode(encoder->get(), &frame, &sink, &err) == TP_OK);
  CHECK(packets == 1);
  encoder.reset();
}

TEST_CASE("the plugin's host table carries its validated config and the event bus") {
  Harness h;
  load_fixtures(h);
  std::promise<std::string> pong;
  auto sub = h.bus.subscribe("test.pong", h.pool, [&](const Event& e) { pong.set_value(e.payload); });
  h.bus.publish("test.ping", "42");
  auto fut = pong.get_future();
  REQUIRE(fut.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(fut.get() == "hi:42");  // "hi" is the config the test handed the good plugin
}

TEST_CASE("the config selects plugins") {
  SECTION("disable") {
    Harness h;
    Selection sel;
    sel.disable = {"org.telepane.test.good"};
    load_fixtures(h, sel);
    CHECK(by_file(h.manager, "fixture-good.so").state == PluginState::Disabled);
    // Its dependent fails with a reason that names the config.
    CHECK(by_file(h.manager, "fixture-uses-good.so").error ==
          "requires org.telepane.test.good, which is disabled in the config");
  }
  SECTION("enable lists exactly what loads") {
    Harness h;
    Selection sel;
    sel.enable = std::vector<std::string>{"org.telepane.test.c-plugin"};
    load_fixtures(h, sel);
    CHECK(by_file(h.manager, "fixture-c-plugin.so").state == PluginState::Loaded);
    CHECK(by_file(h.manager, "fixture-good.so").state == PluginState::Disabled);
  }
}

TEST_CASE("plugin files and directories writable by others are refused") {
  telepane::test::TempDir tmp;
  const fs::path good = fs::path(TELEPANE_FIXTURE_PLUGIN_DIR) / "fixture-good.so";

  SECTION("a world-writable directory") {
    const fs::path dir = tmp / "open";
    fs::create_directory(dir);
    fs::copy_file(good, dir / "fixture-good.so");
    chmod(dir.c_str(), 0777);
    Harness h;
    h.manager.discover({dir.string()});
    REQUIRE(h.manager.plugins().size() == 1);
    CHECK(h.manager.plugins()[0]->state == PluginState::Failed);
    CHECK(h.manager.plugins()[0]->error == "directory refused: world-writable: anyone could plant code in it");
    CHECK(h.warnings_about(dir.string()).size() == 1);
  }
  SECTION("a group-writable file in a safe directory") {
    const fs::path dir = tmp / "safe";
    fs::create_directory(dir);
    chmod(dir.c_str(), 0755);
    fs::copy_file(good, dir / "fixture-good.so");
    chmod((dir / "fixture-good.so").c_str(), 0664);
    Harness h;
    h.manager.discover({dir.string()});
    REQUIRE(h.manager.plugins().size() == 1);
    CHECK(h.manager.plugins()[0]->error == "refused: group-writable: anyone could plant code in it");
  }
}

TEST_CASE("features are ranked and pin their library") {
  Harness h;
  load_fixtures(h);
  auto encoders = h.manager.features(TP_KIND_ENCODER);
  REQUIRE(encoders.size() == 2);  // good (rank 1) and throws (rank 0); hw failed its probe
  CHECK(encoders[0].feature->name == "good");
  CHECK(encoders[1].feature->name == "throws");
  // A FeatureRef holds the library; the manager's own reference is not the only one.
  CHECK(encoders[0].library.use_count() >= 2);
}
