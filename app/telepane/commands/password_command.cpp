// telepane password hash: reads a new permanent password from stdin and prints its verifier for the config.
// The hashing is the auth plugin's (tp_auth_vtbl.enroll): the app knows no password scheme.
#include "commands.hpp"
#include "session/password_enroll.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <string>

namespace telepane::app {

int password_command(const CliOptions& opts, core::Logger& logger) {
  if (opts.words.size() != 2 || opts.words[1] != "hash") throw UsageError("expected 'password hash'");
  core::Runtime rt(logger, peer_settings());
  if (!configure_runtime(rt, opts)) return kExitUsage;
  rt.load_plugins();
  if (isatty(STDIN_FILENO)) std::cerr << "New permanent password (at least 8 characters), then Enter: " << std::flush;
  std::string password;
  std::getline(std::cin, password);
  try {
    const auto enrolled = enroll_password(rt, password);
    std::fill(password.begin(), password.end(), '\0');
    std::cout << enrolled.plugin_id << ":\n  verifier: \"" << enrolled.verifier << "\"\n";
  } catch (const std::exception& e) {
    std::fill(password.begin(), password.end(), '\0');
    std::cerr << "telepane: " << e.what() << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace telepane::app
