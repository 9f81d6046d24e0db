// The config layers: built-in defaults < system files < the user's file < --config files < --set overrides.
#pragma once

#include <telepane/core/config/value.hpp>
#include <telepane/core/config/yaml_reader.hpp>

#include <string>
#include <vector>

namespace telepane::core::config {

struct Sources {
  std::string name = "peer";  // which config: "peer" or "server"
  // System layer: <system_dir>/<name>.yaml, then <system_dir>/<name>.d/*.yaml in name order. Missing is fine.
  std::string system_dir;
  // User layer; missing is fine.
  std::string user_file;
  // --config files, in order; each must exist.
  std::vector<std::string> files;
  // --set key.path=value, in order.
  std::vector<std::string> overrides;
};

// System dir from $TELEPANE_SYSCONFDIR or `system_dir` (the installation's, e.g. /etc/telepane); user file from
// $XDG_CONFIG_HOME or ~/.config.
Sources default_sources(const std::string& name, const std::string& system_dir);

class Layers {
 public:
  // Reads and merges every file layer. Throws ConfigError on a syntax error or a missing --config file.
  static Layers load(const Sources& sources);

  const Value& tree() const { return tree_; }
  const std::vector<std::string>& files_read() const { return files_read_; }

  // Applies pending --set overrides whose path starts with one of `top_keys` (longest match wins, so the id
  // "org.telepane.codec.vpx" takes "org.telepane.codec.vpx.speed"). With `all`, the rest are applied too, split at
  // their first dot, and validation then reports them as unknown keys.
  void apply_overrides(const std::vector<std::string>& top_keys, bool all);

 private:
  Value tree_ = Value::map(Origin{"<defaults>", 0, 0});
  std::vector<Override> pending_;
  std::vector<std::string> files_read_;
};

}  // namespace telepane::core::config
