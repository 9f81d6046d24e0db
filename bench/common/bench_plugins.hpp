// The plugins of the build, loaded with their default settings on a silent logger: what the benchmarks that drive
// real plugins (crypto suites, transports) start from.
#pragma once

#include <telepane/core/bus/event_bus.hpp>
#include <telepane/core/plugins/plugin_manager.hpp>

namespace telepane::bench {

struct BenchPlugins {
  core::Logger logger{[](core::LogLevel, const std::string&) {}, core::LogLevel::Error};
  core::ThreadPool pool{1};
  core::EventBus bus{logger};
  core::plugins::PluginManager manager{{logger, bus, pool}};
  explicit BenchPlugins(const std::string& dir) {
    manager.discover({dir});
    manager.load({}, [](const std::string&) { return core::config::Value::map({}); });
  }
};

}  // namespace telepane::bench
