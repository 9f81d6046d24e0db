// The telepane commands. Each returns the process exit code: 0 ok, 1 failed, 2 usage or config error.
#pragma once

#include "cli_options.hpp"
#include "settings.hpp"

#include <telepane/core/log/logger.hpp>
#include <telepane/core/runtime/runtime.hpp>

namespace telepane::app {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// Reads the config layers for `opts` and discovers plugins; prints every config problem and returns false on any.
// `quiet_loader`: the command shows plugin problems itself, so the loader logs only errors.
bool configure_runtime(core::Runtime& runtime, const CliOptions& opts, const std::vector<std::string>& extra_files = {},
                       bool quiet_loader = false);

int plugins_command(const CliOptions& opts, core::Logger& logger);
int config_command(const CliOptions& opts, core::Logger& logger);
int plugin_new_command(const CliOptions& opts);
int id_command(const CliOptions& opts);
int known_hosts_command(const CliOptions& opts);
int password_command(const CliOptions& opts, core::Logger& logger);
int host_command(const CliOptions& opts, core::Logger& logger);
int connect_command(const CliOptions& opts, core::Logger& logger);
int desktop_command(const CliOptions& opts, core::Logger& logger);
int nat_command(const CliOptions& opts, core::Logger& logger);

}  // namespace telepane::app
