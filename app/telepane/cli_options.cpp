#include "cli_options.hpp"

#include <boost/program_options.hpp>

#include <sstream>

namespace po = boost::program_options;

namespace telepane::app {
namespace {
po::options_description options(CliOptions& o) {
  po::options_description d("Options");
  auto add = d.add_options();
  add("help,h", po::bool_switch(&o.help), "show this help");
  add("version", po::bool_switch(&o.version), "print the version");
  add("config,c", po::value(&o.config_files)->composing(),
      "read this YAML config file after the system and user ones (repeatable)");
  add("set,s", po::value(&o.overrides)->composing(),
      "override one setting, e.g. --set log.level=debug (repeatable; applied last)");
  add("identity", po::value(&o.identity_file), "the identity (key) file (default ~/.local/share/telepane/identity)");
  add("known-hosts", po::value(&o.known_hosts_file),
      "the pinned host keys file (default ~/.local/share/telepane/known_hosts)");
  add("listen", po::value(&o.listen), "host: the address to accept direct connections on (default host.listen)");
  add("address", po::value(&o.address), "connect: the host's address, HOST:PORT (no rendezvous server needed)");
  add("server", po::value(&o.server), "host, connect: the rendezvous server, HOST[:PORT] (default rendezvous.server)");
  add("server-key,k", po::value(&o.server_key),
      "host, connect: the rendezvous server's public key (default rendezvous.key; telepane-server prints it)");
  add("relay", po::bool_switch(&o.relay), "connect: go through the server's relay only (connect.paths: [relay])");
  add("headless", po::bool_switch(&o.headless),
      "connect: no window; the terminal carries chat and commands (/help), --record and --stats the picture");
  add("record", po::value(&o.record),
      "connect: write the received screen to FILE as it arrives (.webm: VP8/VP9, .mkv: also H.264, .mp4)");
  add("duration", po::value(&o.duration), "connect: leave after S seconds");
  add("stats", po::bool_switch(&o.stats),
      "connect: print the screen stream's frame rate, bitrate and capture-to-decoded latency when leaving");
  add("password", po::value(&o.password),
      "connect: the host's password (or TELEPANE_PASSWORD; prompted on a terminal)");
  add("kind", po::value(&o.kind), "plugin new: the plugin's kind (codec or capture)");
  add("dir", po::value(&o.dir), "plugin new: where to create the project (default ./NAME)");
  add("id", po::value(&o.id), "plugin new: the plugin id (default com.example.KIND.NAME)");
  return d;
}
}  // namespace

CliOptions parse_cli(int argc, const char* const* argv) {
  CliOptions o;
  auto desc = options(o);
  po::options_description all;
  all.add(desc).add_options()("words", po::value(&o.words));
  po::positional_options_description pos;
  pos.add("words", -1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return o;
}

std::string help_text() {
  CliOptions scratch;
  std::string text =
      "Usage: telepane [OPTIONS] [COMMAND [ARGS]]\n"
      "\n"
      "Telepane, a self-hosted remote desktop: this is the peer.\n"
      "\n"
      "Commands:\n"
      "  (none), desktop           the desktop app: a window that shares this machine (its ID, one-time password,\n"
      "                            online state, a prompt for each viewer when host.confirm is ask) and connects to\n"
      "                            others (remote view with mouse, keyboard, clipboard, chat), with an address\n"
      "                            book and a settings page; needs a display and the frontend plugin\n"
      "  host [--listen ADDR] [--server S -k KEY]\n"
      "                            share this machine (headless): prints its ID and one-time password, registers\n"
      "                            at the rendezvous server if one is set; chat on the terminal; SIGINT stops it\n"
      "  connect ID [--password P] [--relay] [--address HOST:PORT] [--headless] [--record FILE]\n"
      "          [--duration S] [--stats]\n"
      "                            connect to a host (headless): finds it through the rendezvous server and\n"
      "                            races the paths (direct TCP, UDP hole punching, the relay: direct wins, and\n"
      "                            a session on the relay moves to a punch that succeeds later), or goes to\n"
      "                            --address (HOST:PORT over TCP, udp:HOST:PORT over UDP); checks its key\n"
      "                            against the full ID, the server's signed answer and the known-hosts pin;\n"
      "                            prints the path it takes; receives the\n"
      "                            host's screen (recorded with --record); chat on the terminal, and lines\n"
      "                            starting with '/' drive the host's mouse, keyboard and clipboard (/help);\n"
      "                            end of input leaves. No password: for a device the host trusts\n"
      "  nat [--server HOST]       how this machine's NAT maps and filters UDP (asks the rendezvous server's\n"
      "                            STUN reflector) and what that means for hole punching\n"
      "  id                        this machine's ID and full ID (creates its key on first run)\n"
      "  known-hosts list          the host keys this viewer pinned, as full IDs\n"
      "  known-hosts accept ID@FINGERPRINT\n"
      "                            pin (or re-pin, after a real key change) a host's key\n"
      "  known-hosts forget ID     drop a host's pin\n"
      "  password hash             read a new permanent password on stdin; print its verifier for the config\n"
      "  plugins list              every plugin found: id, version, kinds, state, error\n"
      "  plugins info ID           one plugin: file, features, dependencies, settings with defaults\n"
      "  config check [FILE]       validate the config layers (and FILE); exit 2 on any problem\n"
      "  config reference          every setting of the core and the installed plugins, as markdown\n"
      "  plugin new NAME --kind KIND [--dir DIR] [--id ID]\n"
      "                            create a plugin project that builds against the installed SDK\n"
      "\n"
      "Config layers, later wins: built-in defaults < " TELEPANE_SYSCONFDIR_DEFAULT
      "/peer.yaml and peer.d/*.yaml\n"
      "(or $TELEPANE_SYSCONFDIR) < ~/.config/telepane/peer.yaml < --config FILE < --set key=value.\n"
      "\n";
  std::ostringstream os;
  os << options(scratch);
  text += os.str();
  text +=
      "\n"
      "Exit status: 0 on success, 1 when a command fails, 2 on a usage or config error.\n";
  return text;
}

}  // namespace telepane::app
