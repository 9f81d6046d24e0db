#include <catch2/catch.hpp>
#include <telepane/core/config/schema.hpp>
#include <telepane/core/config/yaml_reader.hpp>

using namespace telepane::core::config;

namespace {
const char* kSchema = R"({
  "type": "object",
  "properties": {
    "speed": {"type": "integer", "minimum": 0, "maximum": 10, "default": 8, "description": "how hard to try"},
    "mode": {"type": "string", "enum": ["fast", "good"], "default": "fast"},
    "name": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"},
    "ratio": {"type": "number"},
    "on": {"type": "boolean", "default": true},
    "servers": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
    "limits": {"type": "object", "properties": {"max_kbps": {"type": "integer", "default": 5000}}}
  }
})";

std::vector<std::string> check(const std::string& yaml, Value* out = nullptr) {
  const Schema s = Schema::parse(kSchema, "schema");
  const Value v = read_yaml_text(yaml, "c.yaml");
  std::vector<std::string> errors;
  Value applied = s.apply(&v, "p", Origin{}, errors);
  if (out) *out = applied;
  return errors;
}
}  // namespace

TEST_CASE("valid config gets its defaults filled in, nested ones too") {
  Value out;
  CHECK(check("speed: 3\nservers: [a]", &out).empty());
  CHECK(out.to_json() == R"({"speed":3,"mode":"fast","on":true,"servers":["a"],"limits":{"max_kbps":5000}})");
}

TEST_CASE("each kind of mistake is one line with file:line:col, the key, expected and found") {
  CHECK(check("speed: fast") ==
        std::vector<std::string>{"c.yaml:1:8: 'p.speed': expected an integer, found string 'fast'"});
  CHECK(check("speed: 11") == std::vector<std::string>{"c.yaml:1:8: 'p.speed': expected integer 0..10, found 11"});
  CHECK(check("speed: '3'") ==
        std::vector<std::string>{"c.yaml:1:8: 'p.speed': expected an integer, found string '3'"});
  CHECK(check("mode: slow") ==
        std::vector<std::string>{"c.yaml:1:7: 'p.mode': expected one of fast, good, found 'slow'"});
  CHECK(check("on: yes") == std::vector<std::string>{"c.yaml:1:5: 'p.on': expected true or false, found string 'yes'"});
  CHECK(check("ratio: x") == std::vector<std::string>{"c.yaml:1:8: 'p.ratio': expected a number, found string 'x'"});
  CHECK(check("servers: a") == std::vector<std::string>{"c.yaml:1:10: 'p.servers': expected a list, found string 'a'"});
  CHECK(check("servers: [a, b, c]") == std::vector<std::string>{"c.yaml:1:10: 'p.servers': expected at most 2 items"});
  CHECK(check("limits: 5") == std::vector<std::string>{"c.yaml:1:9: 'p.limits': expected a map, found integer 5"});
  CHECK(check("name: Ab") ==
        std::vector<std::string>{"c.yaml:1:7: 'p.name': 'Ab' does not match the pattern ^[a-z]+$"});
  CHECK(check("name: a") == std::vector<std::string>{"c.yaml:1:7: 'p.name': expected at least 2 characters"});
}

TEST_CASE("unknown keys are reported, with a suggestion for a near miss") {
  CHECK(check("sped: 3") == std::vector<std::string>{"c.yaml:1:7: unknown key 'p.sped' (did you mean 'speed'?)"});
  CHECK(check("limits: {max_kpbs: 1}") ==
        std::vector<std::string>{"c.yaml:1:20: unknown key 'p.limits.max_kpbs' (did you mean 'max_kbps'?)"});
  CHECK(check("zzzzzz: 1") == std::vector<std::string>{"c.yaml:1:9: unknown key 'p.zzzzzz'"});
  CHECK(check("sped: 3\nmode: x").size() == 2);  // every problem, not just the first
}

TEST_CASE("schemas outside the supported subset are rejected, not half-applied") {
  CHECK_THROWS_WITH(Schema::parse(R"({"type":"object","oneOf":[]})", "s"),
                    Catch::Contains("unsupported schema keyword 'oneOf'"));
  CHECK_THROWS_WITH(Schema::parse(R"({"type":"float"})", "s"), Catch::Contains("'type' must be one of"));
  CHECK_THROWS_WITH(Schema::parse(R"({"type":"integer","default":"x"})", "s"),
                    Catch::Contains("the default does not fit the schema"));
  CHECK_THROWS_WITH(Schema::parse(R"({"type":"string","pattern":"("})", "s"),
                    Catch::Contains("not a valid regular expression"));
  CHECK_THROWS_WITH(Schema::parse("[1, 2]", "s"), Catch::Contains("a schema must be an object"));
}

TEST_CASE("required keys") {
  const Schema s = Schema::parse(R"({"type":"object","required":["key"],"properties":{"key":{"type":"string"}}})", "s");
  std::vector<std::string> errors;
  const Value v = read_yaml_text("{}", "c.yaml");
  s.apply(&v, "p", Origin{}, errors);
  CHECK(errors == std::vector<std::string>{"c.yaml:1:1: 'p': missing required key 'key'"});
}

TEST_CASE("descriptions for plugins info and the config reference") {
  const Schema s = Schema::parse(kSchema, "schema");
  std::string text;
  s.describe(text, "p", 0);
  CHECK(text.find("  speed: integer 0..10 (default 8) - how hard to try\n") != std::string::npos);
  CHECK(text.find("    max_kbps: integer (default 5000)\n") != std::string::npos);
  std::string md;
  s.markdown(md, "p");
  CHECK(md.find("| `p.speed` | integer 0..10 | `8` | how hard to try |") != std::string::npos);
  CHECK(md.find("| `p.limits.max_kbps` | integer | `5000` |  |") != std::string::npos);
}
