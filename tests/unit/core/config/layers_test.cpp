#include <catch2/catch.hpp>
#include <telepane/core/config/layers.hpp>

#include "process.hpp"

using namespace telepane::core::config;

TEST_CASE("layers: system < drop-ins < user < --config < --set") {
  telepane::test::TempDir tmp;
  tmp.write("etc/peer.yaml", "a: system\nb: system\nc: system\nd: system\ne: system\n");
  tmp.write("etc/peer.d/10-x.yaml", "b: dropin\n");
  tmp.write("etc/peer.d/ignored.txt", "b: never\n");
  tmp.write("user.yaml", "c: user\n");
  tmp.write("cli.yaml", "d: cli\n");
  Sources s;
  s.system_dir = (tmp / "etc").string();
  s.user_file = (tmp / "user.yaml").string();
  s.files = {(tmp / "cli.yaml").string()};
  s.overrides = {"e=set", "org.example.plugin.speed=3"};
  Layers layers = Layers::load(s);
  CHECK(layers.files_read().size() == 4);
  layers.apply_overrides({"e", "org.example.plugin"}, true);
  const Value& t = layers.tree();
  CHECK(t.find("a")->text() == "system");
  CHECK(t.find("b")->text() == "dropin");
  CHECK(t.find("c")->text() == "user");
  CHECK(t.find("d")->text() == "cli");
  CHECK(t.find("e")->text() == "set");
  // The plugin id has dots of its own; the override splits after it.
  REQUIRE(t.find("org.example.plugin") != nullptr);
  CHECK(t.find("org.example.plugin")->find("speed")->as_int() == 3);
}

TEST_CASE("overrides wait for the plugin ids unless told to apply everything") {
  Sources s;
  s.overrides = {"log.level=debug", "org.x.y.z=1"};
  Layers layers = Layers::load(s);
  layers.apply_overrides({"log"}, false);
  CHECK(layers.tree().find("log") != nullptr);
  CHECK(layers.tree().find("org") == nullptr);
  CHECK(layers.tree().find("org.x.y") == nullptr);
  layers.apply_overrides({"org.x.y"}, true);
  CHECK(layers.tree().at_path("org.x.y") == nullptr);  // at_path splits on dots; look the key up directly
  CHECK(layers.tree().find("org.x.y")->find("z")->as_int() == 1);
}

TEST_CASE("a missing --config file is an error - missing system and user files are not") {
  Sources s;
  s.system_dir = "/nonexistent-telepane-etc";
  s.user_file = "/nonexistent-telepane-user.yaml";
  CHECK_NOTHROW(Layers::load(s));
  s.files = {"/nonexistent-telepane-cli.yaml"};
  CHECK_THROWS_WITH(Layers::load(s), "/nonexistent-telepane-cli.yaml: no such config file");
}

TEST_CASE("a config file must be a map") {
  telepane::test::TempDir tmp;
  Sources s;
  s.files = {tmp.write("list.yaml", "- a\n- b\n").string()};
  CHECK_THROWS_WITH(Layers::load(s), Catch::Contains("list.yaml:1:1: a config file must be a map of settings"));
}
