// telepane password hash: reads a new permanent password from stdin and prints its verifier for the config.
// The hashing is the auth plugin's (tp_auth_vtbl.enroll): the app knows no password scheme.
#include "commands.hpp"

#include <telepane/abi/tp_auth.h>
#include <telepane/core/plugins/plugin_manager.hpp>

#include <unistd.h>

#include <iostream>
#include <string>

namespace telepane::app {

int password_command(const CliOptions& opts, core::Logger& logger) {
  if (opts.words.size() != 2 || opts.words[1] != "hash") throw UsageError("expected 'password hash'");
  core::Runtime rt(logger, peer_settings());
  if (!configure_runtime(rt, opts)) return kExitUsage;
  rt.load_plugins();
  const auto feature = rt.plugins().feature(TP_KIND_AUTH, "password");
  if (!feature) {
    std::cerr << "telepane: no 'password' auth method is loaded (see telepane plugins list)\n";
    return kExitFailed;
  }
  if (isatty(STDIN_FILENO)) std::cerr << "New permanent password (at least 8 characters), then Enter: " << std::flush;
  std::string password;
  std::getline(std::cin, password);
  const auto* vt = feature->vtable<tp_auth_vtbl>();
  std::string out(512, '\0');
  size_t len = 0;
  tp_error err{};
  const tp_status s = vt->enroll(feature->host, {reinterpret_cast<const uint8_t*>(password.data()), password.size()},
                                 out.data(), out.size(), &len, &err);
  std::fill(password.begin(), password.end(), '\0');
  if (s != TP_OK) {
    std::cerr << "telepane: " << err.message << "\n";
    return kExitFailed;
  }
  out.resize(len);
  std::cout << feature->plugin->id << ":\n  verifier: \"" << out << "\"\n";
  return kExitOk;
}

}  // namespace telepane::app
