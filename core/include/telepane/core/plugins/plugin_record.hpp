// What the host knows about one plugin file: its descriptor (copied), its state and the reason it is not loaded.
#pragma once

#include <telepane/abi/tp_plugin.h>
#include <telepane/core/config/schema.hpp>
#include <telepane/core/plugins/library.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace telepane::core::plugins {

class HostTable;

enum class PluginState {
  Discovered,  // descriptor read and valid; not yet loaded
  Disabled,    // turned off by the config
  Loaded,      // on_load succeeded; features usable (those whose probe passed)
  Failed       // see error
};
const char* state_name(PluginState s);
const char* kind_name(tp_kind k);
std::optional<tp_kind> kind_from_name(const std::string& name);
std::string version_string(const tp_version& v);

struct FeatureInfo {
  tp_kind kind = TP_KIND_INVALID;
  std::string name;
  int32_t rank = 0;
  const void* vtable = nullptr;  // points into the plugin's library
  bool usable = true;            // false when its probe failed
  std::string error;
};

struct DependencyInfo {
  tp_dependency_kind kind = TP_DEPENDENCY_INVALID;
  std::string id;
  tp_version min{};
  tp_version max_exclusive{};
  std::string range() const;  // ">=1.2.0 <2.0.0"
  bool accepts(const tp_version& v) const;
};

struct PluginRecord {
  std::string path;
  std::string id;  // empty when the file failed before its descriptor could be read
  tp_version version{};
  std::string description;
  uint32_t flags = 0;
  std::vector<DependencyInfo> dependencies;
  std::vector<FeatureInfo> features;
  std::string schema_text;
  std::optional<config::Schema> schema;
  PluginState state = PluginState::Discovered;
  std::string error;  // one line: why it failed, or what degraded it (a probe)

  std::shared_ptr<Library> library;
  const tp_plugin_desc* desc = nullptr;
  std::unique_ptr<HostTable> host;  // set once the plugin loads

  PluginRecord();
  ~PluginRecord();
  PluginRecord(PluginRecord&&) noexcept;
  PluginRecord& operator=(PluginRecord&&) noexcept;

  std::string kinds() const;  // "encoder,decoder"
};

// Checks a descriptor against the host ABI and copies it into `rec`. Returns an empty string when valid, else one
// line naming what is wrong (ABI major, newer minor, bad id, malformed feature...).
std::string read_descriptor(const tp_plugin_desc* desc, PluginRecord& rec);

}  // namespace telepane::core::plugins
