// Fuzzes what reads config files: the YAML reader, schema validation with defaults, and --set overrides.
// Anything may be rejected with a ConfigError; nothing may crash, hang or read out of bounds.
#include <telepane/core/config/schema.hpp>
#include <telepane/core/config/yaml_reader.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace telepane::core::config;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Schema schema = Schema::parse(R"({"type":"object","properties":{
      "speed":{"type":"integer","minimum":0,"maximum":10,"default":8},
      "mode":{"type":"string","enum":["a","b"]},
      "list":{"type":"array","items":{"type":"number"},"maxItems":4},
      "nested":{"type":"object","properties":{"on":{"type":"boolean","default":true}}}}})",
                                             "fuzz schema");
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    Value v = read_yaml_text(text, "fuzz");
    std::vector<std::string> errors;
    Value applied = schema.apply(&v, "p", Origin{}, errors);
    (void)applied.to_json();
    (void)v.at_path("nested.on");
  } catch (const ConfigError&) {
  }
  try {
    Override o = parse_override(text);
    (void)nest({o.path}, o.value, o.origin).to_json();
  } catch (const ConfigError&) {
  }
  return 0;
}
