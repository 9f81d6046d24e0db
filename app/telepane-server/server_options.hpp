// telepane-server's command line.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace telepane::server {

struct ServerOptions {
  bool help = false;
  bool version = false;
  bool print_key = false;
  bool config_reference = false;
  std::vector<std::string> config_files;  // -c
  std::vector<std::string> overrides;     // -s KEY=VALUE
  std::optional<int> port;                // -p: rendezvous port; relay = port + 1
  std::vector<std::string> relays;        // -r
  std::string key;                        // -k: the rendezvous key a relay-only server trusts
  std::optional<double> bandwidth;        // -b Mbit/s
  std::string role;                       // --role rendezvous|relay|both
  std::string data_dir;                   // --data
};

// Throws std::invalid_argument with a one-line message on a bad command line.
ServerOptions parse_server_options(int argc, const char* const* argv);
std::string server_help();

}  // namespace telepane::server
