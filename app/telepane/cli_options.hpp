// The command line: global options, the command and its arguments, parsed once for every command.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace telepane::app {

// A usage error: exit 2 with this one line.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CliOptions {
  bool help = false;
  bool version = false;
  std::vector<std::string> config_files;  // --config
  std::vector<std::string> overrides;     // --set
  std::vector<std::string> words;         // the command and its positional arguments
  std::string identity_file;              // --identity
  std::string known_hosts_file;           // --known-hosts
  std::string listen;                     // host --listen
  std::string address;                    // connect --address
  std::string password;                   // connect --password
  std::string server;                     // host/connect --server (rendezvous.server)
  std::string server_key;                 // host/connect --server-key, -k (rendezvous.key)
  bool relay = false;                     // connect --relay
  bool headless = false;                  // connect --headless
  std::string record;                     // connect --record FILE
  double duration = 0;                    // connect --duration S (0: until the session ends)
  bool stats = false;                     // connect --stats
  // Options of `plugin new`.
  std::string kind;
  std::string dir;
  std::string id;
};

// Throws UsageError on an unknown option or a missing value.
CliOptions parse_cli(int argc, const char* const* argv);
std::string help_text();

}  // namespace telepane::app
