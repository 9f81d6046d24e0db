// telepane: the peer. Thin: parses the command line and hands each command to the core.
#include "cli_options.hpp"
#include "commands/commands.hpp"

#include <cstdio>
#include <exception>
#include <iostream>

namespace {
int usage(const std::string& message) {
  std::cerr << "telepane: " << message << " (see telepane --help)\n";
  return telepane::app::kExitUsage;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace telepane::app;
  try {
    CliOptions opts = parse_cli(argc, argv);
    if (opts.help) {
      std::cout << help_text();
      return kExitOk;
    }
    if (opts.version) {
      std::cout << "telepane " << TELEPANE_VERSION << " (plugin ABI " << TP_ABI_MAJOR << "." << TP_ABI_MINOR << ")\n";
      return kExitOk;
    }
    telepane::core::Logger logger;
    if (opts.words.empty()) return desktop_command(opts, logger);
    const std::string& command = opts.words[0];
    if (command == "desktop") return desktop_command(opts, logger);
    if (command == "plugins") return plugins_command(opts, logger);
    if (command == "config") return config_command(opts, logger);
    if (command == "plugin") return plugin_new_command(opts);
    if (command == "id") return id_command(opts);
    if (command == "known-hosts") return known_hosts_command(opts);
    if (command == "password") return password_command(opts, logger);
    if (command == "host") return host_command(opts, logger);
    if (command == "connect") return connect_command(opts, logger);
    if (command == "nat") return nat_command(opts, logger);
    return usage("unknown command '" + command + "'");
  } catch (const UsageError& e) {
    return usage(e.what());
  } catch (const std::exception& e) {
    std::cerr << "telepane: " << e.what() << "\n";
    return kExitFailed;
  }
}
