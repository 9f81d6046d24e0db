// Fuzzes schema compilation: a plugin's schema is untrusted input to the host.
#include <telepane/core/config/schema.hpp>
#include <telepane/core/config/yaml_reader.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace telepane::core::config;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const Schema s = Schema::parse(std::string(reinterpret_cast<const char*>(data), size), "fuzz");
    std::vector<std::string> errors;
    (void)s.apply(nullptr, "p", Origin{}, errors);
    std::string text;
    s.describe(text, "p", 0);
    s.markdown(text, "p");
  } catch (const ConfigError&) {
  }
  return 0;
}
