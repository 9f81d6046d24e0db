#include <telepane/core/config/layers.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace telepane::core::config {
namespace fs = std::filesystem;

namespace {
std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

std::vector<std::string> split_dots(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = s.find('.', start);
    parts.push_back(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}
}  // namespace

Sources default_sources(const std::string& name, const std::string& system_dir) {
  Sources s;
  s.name = name;
  s.system_dir = env_or("TELEPANE_SYSCONFDIR", system_dir);
  const std::string home = env_or("HOME", "");
  const std::string config_home = env_or("XDG_CONFIG_HOME", home.empty() ? std::string() : home + "/.config");
  if (!config_home.empty()) s.user_file = config_home + "/telepane/" + name + ".yaml";
  return s;
}

Layers Layers::load(const Sources& sources) {
  Layers layers;
  auto merge_file = [&](const std::string& path) {
    Value v = read_yaml_file(path);
    if (!v.is_map()) throw ConfigError(v.origin(), "a config file must be a map of settings, found " + v.describe());
    layers.tree_.merge(v);
    layers.files_read_.push_back(path);
  };
  std::error_code ec;
  if (!sources.system_dir.empty()) {
    const fs::path main = fs::path(sources.system_dir) / (sources.name + ".yaml");
    if (fs::is_regular_file(main, ec)) merge_file(main.string());
    const fs::path dropins = fs::path(sources.system_dir) / (sources.name + ".d");
    if (fs::is_directory(dropins, ec)) {
      std::vector<std::string> files;
      for (auto& entry : fs::directory_iterator(dropins, ec))
        if (entry.path().extension() == ".yaml" && entry.is_regular_file(ec)) files.push_back(entry.path().string());
      std::sort(files.begin(), files.end());
      for (auto& f : files) merge_file(f);
    }
  }
  if (!sources.user_file.empty() && fs::is_regular_file(sources.user_file, ec)) merge_file(sources.user_file);
  for (auto& f : sources.files) {
    if (!fs::is_regular_file(f, ec)) throw ConfigError(Origin{f, 0, 0}, "no such config file");
    merge_file(f);
  }
  for (auto& o : sources.overrides) layers.pending_.push_back(parse_override(o));
  return layers;
}

void Layers::apply_overrides(const std::vector<std::string>& top_keys, bool all) {
  std::vector<Override> keep;
  for (auto& o : pending_) {
    const std::string* best = nullptr;
    for (auto& k : top_keys) {
      const bool match =
          o.path == k || (o.path.size() > k.size() && o.path.compare(0, k.size(), k) == 0 && o.path[k.size()] == '.');
      if (match && (best == nullptr || k.size() > best->size())) best = &k;
    }
    if (best == nullptr && !all) {
      keep.push_back(o);
      continue;
    }
    std::vector<std::string> keys;
    if (best != nullptr) {
      keys.push_back(*best);
      if (o.path.size() > best->size()) {
        auto rest = split_dots(o.path.substr(best->size() + 1));
        keys.insert(keys.end(), rest.begin(), rest.end());
      }
    } else {
      keys = split_dots(o.path);
    }
    tree_.merge(nest(keys, o.value, o.origin));
  }
  pending_ = std::move(keep);
}

}  // namespace telepane::core::config
