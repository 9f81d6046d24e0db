// Reads YAML (and so JSON) text into a config::Value with origins.
#pragma once

#include <telepane/core/config/value.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace telepane::core::config {

// A config error: `where` names the place ("file:line:col"), `what()` the whole line.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(const Origin& where, const std::string& message)
      : std::runtime_error(where.str().empty() ? message : where.str() + ": " + message) {}
};

// Throws ConfigError on a syntax error (with its position) or an unreadable file.
Value read_yaml_file(const std::string& path);
Value read_yaml_text(const std::string& text, const std::string& source_name);

// One `--set key.path=value`. The path stays a string until the plugin ids are known, because an id has dots of
// its own: `org.telepane.codec.vpx.speed` splits as {org.telepane.codec.vpx: {speed: ...}} only once a plugin
// with that id is installed. The value is read as YAML ("8", "true", "[a, b]").
struct Override {
  std::string path;
  Value value;
  Origin origin;
};
Override parse_override(const std::string& assignment);

// {keys[0]: {keys[1]: ... leaf}}, every map stamped with `origin`.
Value nest(const std::vector<std::string>& keys, Value leaf, const Origin& origin);

}  // namespace telepane::core::config
