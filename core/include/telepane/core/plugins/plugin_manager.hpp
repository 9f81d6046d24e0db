// Finds, checks, loads and unloads plugins, and hands out their features.
//
// discover() opens every library in the plugin dirs and checks its descriptor; load() then decides which plugins
// are on, resolves their dependencies, calls on_load in dependency order and probes capture and codec features.
// Every rule that refuses a plugin leaves it in the list as failed with one line naming the reason, logged with
// its file; the rest carry on.
#pragma once

#include <telepane/core/plugins/host_table.hpp>
#include <telepane/core/plugins/plugin_record.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace telepane::core::plugins {

// Which plugins are on: with `enable`, exactly those; otherwise every plugin not flagged default-disabled, and
// those in `add`. `disable` wins over all.
struct Selection {
  std::optional<std::vector<std::string>> enable;
  std::vector<std::string> disable;
  std::vector<std::string> add;
};

// A usable feature. Holding it keeps the plugin's library mapped.
struct FeatureRef {
  const PluginRecord* plugin = nullptr;
  const FeatureInfo* feature = nullptr;
  std::shared_ptr<Library> library;
  const tp_host* host = nullptr;
  template <class Vtbl>
  const Vtbl* vtable() const {
    return static_cast<const Vtbl*>(feature->vtable);
  }
};

class PluginManager {
 public:
  explicit PluginManager(HostServices services);
  ~PluginManager();  // unloads in reverse load order
  PluginManager(const PluginManager&) = delete;
  PluginManager& operator=(const PluginManager&) = delete;

  // Opens every regular file in each dir, in order (sorted by name within a dir). [main thread]
  void discover(const std::vector<std::string>& dirs);

  // `config_for(id)` is the plugin's validated config subtree. [main thread]
  void load(const Selection& selection, const std::function<config::Value(const std::string& id)>& config_for);

  // Unloads every loaded plugin, in reverse load order. Objects created from them must be gone. [main thread]
  void unload_all();

  const std::vector<std::unique_ptr<PluginRecord>>& plugins() const { return records_; }
  const PluginRecord* find(std::string_view id) const;

  // Usable features of a kind from loaded plugins, best rank first.
  std::vector<FeatureRef> features(tp_kind kind) const;
  std::optional<FeatureRef> feature(tp_kind kind, std::string_view name) const;

 private:
  void fail(PluginRecord& rec, const std::string& reason);
  void visit(PluginRecord& rec, std::vector<PluginRecord*>& stack,
             const std::function<config::Value(const std::string&)>& config_for);
  void probe(PluginRecord& rec);
  PluginRecord* by_id(const std::string& id);

  HostServices services_;
  std::vector<std::unique_ptr<PluginRecord>> records_;
  std::vector<PluginRecord*> load_order_;
};

}  // namespace telepane::core::plugins
