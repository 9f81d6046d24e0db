#include "server_options.hpp"

#include <boost/program_options.hpp>

#include <sstream>
#include <stdexcept>

namespace telepane::server {
namespace po = boost::program_options;

namespace {
po::options_description describe(ServerOptions& o) {
  po::options_description d("Options");
  auto add = d.add_options();
  add("help,h", po::bool_switch(&o.help), "show this help");
  add("version", po::bool_switch(&o.version), "print the version");
  add("config,c", po::value(&o.config_files)->composing(), "read this YAML config too (repeatable)");
  add("set,s", po::value(&o.overrides)->composing(), "override a setting: -s relay.idle_timeout_ms=60000");
  add("port,p", po::value<int>(), "rendezvous port (TCP+UDP, default 21116); the relay listens on port + 1");
  add("relay-servers,r", po::value(&o.relays)->composing(),
      "HOST:PORT of a relay to assign (repeatable; default: this server's own relay)");
  add("key,k", po::value(&o.key), "relay role: the rendezvous server's public key whose tokens to accept");
  add("bandwidth,b", po::value<double>(), "relay role: total forwarding limit in Mbit/s (0: unlimited)");
  add("role", po::value(&o.role), "rendezvous, relay or both (default: server.roles)");
  add("data", po::value(&o.data_dir), "directory of the signing key and the registry");
  add("print-key", po::bool_switch(&o.print_key), "print this server's public key (creating it if needed) and exit");
  add("config-reference", po::bool_switch(&o.config_reference),
      "print every setting (the server's and its plugins') as markdown and exit");
  return d;
}
}  // namespace

ServerOptions parse_server_options(int argc, const char* const* argv) {
  ServerOptions o;
  auto desc = describe(o);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw std::invalid_argument(e.what());
  }
  if (vm.count("port")) {
    o.port = vm["port"].as<int>();
    if (*o.port < 1 || *o.port > 65534) throw std::invalid_argument("--port must be 1..65534");
  }
  if (vm.count("bandwidth")) {
    o.bandwidth = vm["bandwidth"].as<double>();
    if (*o.bandwidth < 0) throw std::invalid_argument("--bandwidth must not be negative");
  }
  if (!o.role.empty() && o.role != "rendezvous" && o.role != "relay" && o.role != "both")
    throw std::invalid_argument("--role must be rendezvous, relay or both, not '" + o.role + "'");
  return o;
}

std::string server_help() {
  ServerOptions o;
  std::ostringstream out;
  out << "telepane-server: the rendezvous and relay server for Telepane peers.\n\n"
         "Usage: telepane-server [options]\n\n"
         "  rendezvous (TCP+UDP 21116): hosts register their ID and key, viewers look them up; answers and relay\n"
         "             tokens are signed with this server's key, which peers pin (rendezvous.key). It coordinates\n"
         "             hole punching over TCP and answers STUN on UDP 21116 and 21115 (NAT discovery; never more\n"
         "             bytes than a request brought).\n"
         "  relay (TCP 21117): pairs a viewer and a host holding one token and forwards bytes it cannot read.\n\n"
         "Config: /etc/telepane/server.yaml, /etc/telepane/server.d/*.yaml, -c FILE, -s KEY=VALUE\n"
         "(see docs/config-reference.md, section telepane-server).\n\n"
      << describe(o)
      << "\nExamples:\n"
         "  telepane-server                          both roles on 21116/21117, state in "
         "~/.local/share/telepane-server\n"
         "  telepane-server --print-key              the key to give peers: telepane host --server-key KEY\n"
         "  telepane-server --role relay -k KEY -b 100   a relay for another rendezvous server, 100 Mbit/s\n";
  return out.str();
}

}  // namespace telepane::server
