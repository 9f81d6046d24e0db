// The settings page's writes to the user's peer.yaml: nested keys land in place and keep their neighbours, a value
// the config refuses is refused with the config's reason and leaves the file as it was, plugins turn on and off.
#include "desktop/user_settings.hpp"
#include "settings.hpp"

#include "process.hpp"

#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using telepane::test::TempDir;

namespace {
std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Fixture {
  TempDir home;
  telepane::core::Logger logger{[](telepane::core::LogLevel, const std::string&) {}, telepane::core::LogLevel::Error};
  telepane::core::Runtime rt{logger, telepane::app::peer_settings()};
  std::filesystem::path file = home / "config/telepane/peer.yaml";

  explicit Fixture(const std::string& initial) {
    // The user's config dir is this test's: UserSettings finds peer.yaml the way the app does.
    setenv("XDG_CONFIG_HOME", (home / "config").c_str(), 1);
    setenv("TELEPANE_SYSCONFDIR", (home / "etc").c_str(), 1);
    home.write("config/telepane/peer.yaml", initial);
    telepane::core::RuntimeOptions ro;
    ro.sources = telepane::core::config::default_sources("peer", "/nonexistent");
    ro.default_plugin_dirs = {TELEPANE_PLUGIN_DIR};
    REQUIRE(rt.configure(ro).empty());
  }
};
}  // namespace

TEST_CASE("a nested setting lands in place and its neighbours stay") {
  Fixture f("host:\n  confirm: ask\n  grant: [screen]\n  screen:\n    max_fps: 20\n");
  telepane::app::UserSettings us(f.rt, {});
  REQUIRE(us.file() == f.file);
  CHECK(us.set("host", "screen.quality", "\"high\"") == "");
  const YAML::Node y = YAML::LoadFile(f.file.string());
  CHECK(y["host"]["confirm"].as<std::string>() == "ask");
  CHECK(y["host"]["grant"][0].as<std::string>() == "screen");
  CHECK(y["host"]["screen"]["max_fps"].as<int>() == 20);
  CHECK(y["host"]["screen"]["quality"].as<std::string>() == "high");
  // A new section and a plugin's setting (its id has dots: it is one top-level key).
  CHECK(us.set("rendezvous", "timeout_ms", "5000") == "");
  CHECK(us.set("org.telepane.auth.password", "memory_mib", "16") == "");
  const YAML::Node z = YAML::LoadFile(f.file.string());
  CHECK(z["rendezvous"]["timeout_ms"].as<int>() == 5000);
  CHECK(z["org.telepane.auth.password"]["memory_mib"].as<int>() == 16);
  CHECK(z["host"]["screen"]["quality"].as<std::string>() == "high");
}

TEST_CASE("a value the config refuses is refused with its reason, and the file stays as it was") {
  Fixture f("host:\n  confirm: ask\n");
  telepane::app::UserSettings us(f.rt, {});
  const std::string before = read(f.file);
  const std::string why = us.set("host", "screen.quality", "\"ultra\"");
  CHECK_THAT(why, Catch::Contains("quality") && Catch::Contains(f.file.string()));
  CHECK(read(f.file) == before);
  CHECK_THAT(us.set("host", "no_such_key", "1"), Catch::Contains("no_such_key"));
  CHECK_THAT(us.set("host", "a..b", "1"), Catch::Contains("not a dotted key"));
  CHECK_THAT(us.set("host", "confirm", "[unclosed"), Catch::Contains(f.file.string()));
  CHECK(read(f.file) == before);
  CHECK(!std::filesystem::exists(f.file.string() + ".new"));
}

TEST_CASE("plugins turn on and off in the user's file") {
  Fixture f("");
  telepane::app::UserSettings us(f.rt, {});
  // Off by default: turning it on adds it.
  CHECK(us.enable_plugin("org.telepane.capture.testpattern", true) == "");
  YAML::Node y = YAML::LoadFile(f.file.string());
  CHECK(y["plugins"]["add"][0].as<std::string>() == "org.telepane.capture.testpattern");
  CHECK(us.enable_plugin("org.telepane.codec.raw", false) == "");
  CHECK(us.enable_plugin("org.telepane.capture.testpattern", false) == "");
  y = YAML::LoadFile(f.file.string());
  CHECK(y["plugins"]["add"].size() == 0);
  CHECK(y["plugins"]["disable"].size() == 2);
  CHECK(us.enable_plugin("org.nope.plugin", true) == "no installed plugin has the id 'org.nope.plugin'");
  // The model the page draws says a restart is due and lists every plugin with its schema.
  const auto model = us.model_json();
  CHECK_THAT(model, Catch::Contains("\"restart_needed\":true") && Catch::Contains("org.telepane.codec.vpx"));
}
