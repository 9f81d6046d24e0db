#include <catch2/catch.hpp>
#include <telepane/core/config/value.hpp>
#include <telepane/core/config/yaml_reader.hpp>

using namespace telepane::core::config;

TEST_CASE("scalars read as YAML 1.2 core types - quoted ones stay strings") {
  auto v =
      read_yaml_text("a: 42\nb: -0x1f\nc: 1.5e3\nd: true\ne: '42'\nf: hello\ng: 9223372036854775808\nh: .inf", "t");
  CHECK(v.find("a")->as_int() == 42);
  CHECK(v.find("b")->as_int() == -31);
  CHECK(v.find("c")->as_double() == 1500.0);
  CHECK_FALSE(v.find("c")->as_int());
  CHECK(v.find("d")->as_bool() == true);
  CHECK_FALSE(v.find("e")->as_int());
  CHECK(v.find("e")->quoted());
  CHECK_FALSE(v.find("f")->as_int());
  CHECK_FALSE(v.find("g")->as_int());  // beyond int64: not silently wrapped
  CHECK(v.find("h")->as_double() > 1e308);
  CHECK(v.find("a")->describe() == "integer 42");
  CHECK(v.find("f")->describe() == "string 'hello'");
}

TEST_CASE("values remember file:line:col") {
  auto v = read_yaml_text("top:\n  inner: 5\n  list: [a, b]\n", "conf.yaml");
  CHECK(v.at_path("top.inner")->origin().str() == "conf.yaml:2:10");
  CHECK(v.at_path("top.list.1")->text() == "b");
  CHECK(v.at_path("top.list.1")->origin().str() == "conf.yaml:3:13");
  CHECK(v.at_path("top.missing") == nullptr);
  CHECK(v.at_path("top.list.7") == nullptr);
  CHECK(v.at_path("top.list.x") == nullptr);
}

TEST_CASE("merge: maps merge key by key, anything else is replaced") {
  auto base = read_yaml_text("a: {x: 1, y: 2}\nl: [1, 2]\ns: old", "base");
  auto over = read_yaml_text("a: {y: 3, z: 4}\nl: [9]\nn: new", "over");
  base.merge(over);
  CHECK(base.to_json() == R"({"a":{"x":1,"y":3,"z":4},"l":[9],"s":"old","n":"new"})");
  CHECK(base.at_path("a.y")->origin().source == "over");
  CHECK(base.at_path("a.x")->origin().source == "base");
}

TEST_CASE("JSON output escapes strings and keeps types") {
  auto v = read_yaml_text("s: \"quote\\\" and \\\\ and \\n\"\nq: '12'\nn: ~\nb: false", "t");
  CHECK(v.to_json() == R"({"s":"quote\" and \\ and \n","q":"12","n":null,"b":false})");
}

TEST_CASE("syntax errors and hostile input give a position, not a crash") {
  SECTION("syntax error") {
    try {
      read_yaml_text("a: [1, 2\nb: 3\n", "bad.yaml");
      FAIL("no error");
    } catch (const ConfigError& e) {
      CHECK(std::string(e.what()).rfind("bad.yaml:", 0) == 0);
    }
  }
  SECTION("duplicate key") {
    CHECK_THROWS_WITH(read_yaml_text("a: 1\na: 2\n", "dup.yaml"),
                      "dup.yaml:2:1: key 'a' appears twice in the same map");
  }
  SECTION("absurd nesting") {
    std::string deep(200, '[');
    deep += std::string(200, ']');
    CHECK_THROWS_WITH(read_yaml_text("a: " + deep, "deep.yaml"), Catch::Contains("nested deeper than 64 levels"));
  }
  SECTION("a missing file") {
    CHECK_THROWS_WITH(read_yaml_file("/nonexistent/telepane.yaml"), "/nonexistent/telepane.yaml: cannot read the file");
  }
}

TEST_CASE("set overrides parse their value as YAML and keep the path for later splitting") {
  auto o = parse_override("org.telepane.codec.vpx.speed=8");
  CHECK(o.path == "org.telepane.codec.vpx.speed");
  CHECK(o.value.as_int() == 8);
  CHECK(o.origin.str() == "--set org.telepane.codec.vpx.speed=8");
  auto list = parse_override("plugins.dirs=[/a, /b]");
  REQUIRE(list.value.is_sequence());
  CHECK(list.value.items().size() == 2);
  CHECK_THROWS_WITH(parse_override("noequals"), "--set noequals: expected key.path=value");
  CHECK_THROWS_WITH(parse_override("a..b=1"), "--set a..b=1: empty part in key 'a..b'");
  CHECK_THROWS_WITH(parse_override("a=[1, 2"), Catch::Contains("the value is not valid YAML"));
}
