// The core put together: config layers, the plugin executor, the event bus and the plugin manager, started in the
// one order that works (config -> discover plugins -> validate every subtree against its schema -> load).
#pragma once

#include <telepane/core/bus/event_bus.hpp>
#include <telepane/core/config/layers.hpp>
#include <telepane/core/config/schema.hpp>
#include <telepane/core/log/logger.hpp>
#include <telepane/core/plugins/plugin_manager.hpp>
#include <telepane/core/runtime/executor.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace telepane::core {

struct RuntimeOptions {
  config::Sources sources;
  std::vector<std::string> default_plugin_dirs;  // used when the config names no plugins.dirs
  // Replaces the config's log.level, e.g. for a command that shows load problems itself and would otherwise
  // say everything twice.
  std::optional<LogLevel> log_level;
};

class Runtime {
 public:
  // `schema`: this program's settings, made by settings_schema(): plugins and log, plus the program's own sections.
  Runtime(Logger& logger, config::Schema schema);
  ~Runtime();

  // Reads the config layers, discovers plugins and validates the whole config against the core's and every
  // plugin's schema. Returns one line per problem (file:line:col first); empty means loadable. [main thread]
  std::vector<std::string> configure(const RuntimeOptions& options);
  // Loads the selected plugins with their validated config. Call after configure() returned no errors.
  void load_plugins();

  plugins::PluginManager& plugins() { return manager_; }
  EventBus& bus() { return bus_; }
  Executor& executor() { return pool_; }
  Logger& logger() { return logger_; }

  // The config as plugins see it: validated, defaults filled in. Plugins without settings have no entry.
  const config::Value& plugin_config(const std::string& id) const;
  // The program's own settings (plugins, log and its sections), validated with defaults.
  const config::Value& core_config() const;
  const config::Schema& schema() const { return schema_; }
  const std::vector<std::string>& config_files() const { return files_; }
  const std::vector<std::string>& plugin_dirs() const { return dirs_; }

  // The settings schema of a program: "plugins" and "log", which the runtime itself reads, and
  // `program_sections`, JSON object members ("host": {...}, ...) the program reads. Throws ConfigError when malformed.
  static config::Schema settings_schema(const std::string& program_sections, const std::string& name);

 private:
  Logger& logger_;
  config::Schema schema_;
  std::vector<std::string> keys_;  // the top-level keys of schema_
  ThreadPool pool_;
  EventBus bus_;
  plugins::PluginManager manager_;
  plugins::Selection selection_;
  std::map<std::string, config::Value> plugin_configs_;
  config::Value core_;
  std::vector<std::string> files_;
  std::vector<std::string> dirs_;
};

}  // namespace telepane::core
