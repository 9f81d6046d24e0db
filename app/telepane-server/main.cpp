// telepane-server: the rendezvous role, the relay role, or both, on one io thread.
#include "net/endpoints.hpp"
#include "relay/relay_server.hpp"
#include "rendezvous/rendezvous_server.hpp"
#include "server_options.hpp"
#include "server_settings.hpp"

#include <telepane/core/identity/identity.hpp>
#include <telepane/core/rendezvous/server_key.hpp>
#include <telepane/core/runtime/install_paths.hpp>
#include <telepane/core/runtime/runtime.hpp>

#include <boost/asio/signal_set.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace {
namespace fs = std::filesystem;
namespace rv = telepane::core::rendezvous;
using namespace telepane::server;

constexpr int kExitOk = 0, kExitFailed = 1, kExitUsage = 2;

fs::path default_data_dir() {
  const char* data_home = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  if (data_home != nullptr && *data_home != '\0') return fs::path(data_home) / "telepane-server";
  if (home != nullptr && *home != '\0') return fs::path(home) / ".local/share/telepane-server";
  return "/var/lib/telepane-server";
}

std::vector<std::string> strings(const telepane::core::config::Value* list) {
  std::vector<std::string> out;
  if (list != nullptr)
    for (auto& v : list->items()) out.push_back(v.text());
  return out;
}

boost::asio::ip::tcp::endpoint with_port(boost::asio::ip::tcp::endpoint ep, std::optional<int> port) {
  if (port) ep.port(uint16_t(*port));
  return ep;
}

void say(const std::string& line) {
  std::cout << line << std::endl;  // line by line: scripts and tests read this as it comes
}

int run(const ServerOptions& opts) {
  telepane::core::Logger logger;
  telepane::core::Runtime rt(logger, server_settings());
  telepane::core::RuntimeOptions ro;
  ro.sources = telepane::core::config::default_sources("server", TELEPANE_SYSCONFDIR_DEFAULT);
  ro.sources.files = opts.config_files;
  ro.sources.overrides = opts.overrides;
  ro.default_plugin_dirs = telepane::core::default_plugin_dirs(TELEPANE_PLUGIN_SUBDIR);
  const auto errors = rt.configure(ro);
  for (auto& e : errors) std::cerr << "telepane-server: " << e << "\n";
  if (!errors.empty()) return kExitUsage;
  const auto& cfg = rt.core_config();

  const fs::path data_dir = !opts.data_dir.empty() ? fs::path(opts.data_dir)
                            : !cfg.at_path("server.data_dir")->text().empty()
                                ? fs::path(cfg.at_path("server.data_dir")->text())
                                : default_data_dir();
  if (opts.print_key) {
    say(rv::encode_public_key(rv::ServerKey::load_or_create(data_dir / "server.key").public_key()));
    return kExitOk;
  }
  auto roles = strings(cfg.at_path("server.roles"));
  if (!opts.role.empty())
    roles = opts.role == "both" ? std::vector<std::string>{"rendezvous", "relay"} : std::vector<std::string>{opts.role};
  const bool rendezvous_role = std::count(roles.begin(), roles.end(), "rendezvous") > 0;
  const bool relay_role = std::count(roles.begin(), roles.end(), "relay") > 0;
  const auto max_conn = std::size_t(*cfg.at_path("server.max_connections")->as_int());
  const auto per_source = std::size_t(*cfg.at_path("server.max_connections_per_source")->as_int());

  rt.load_plugins();
  boost::asio::io_context io;
  std::optional<rv::ServerKey> key;
  std::unique_ptr<PeerRegistry> registry;
  std::unique_ptr<RendezvousServer> rendezvous;
  std::unique_ptr<RelayServer> relay;

  if (relay_role) {
    RelaySettings rs;
    rs.listen = with_port(parse_endpoint(cfg.at_path("relay.listen")->text()),
                          opts.port ? std::optional(*opts.port + 1) : std::nullopt);
    std::string trusted = !opts.key.empty() ? opts.key : cfg.at_path("relay.key")->text();
    if (trusted.empty()) {
      if (!rendezvous_role) {
        std::cerr << "telepane-server: a relay without the rendezvous role needs the rendezvous server's public key: "
                     "-k KEY (telepane-server --print-key on that server)\n";
        return kExitUsage;
      }
      key.emplace(rv::ServerKey::load_or_create(data_dir / "server.key"));
      rs.rendezvous_key = key->public_key();
    } else if (auto k = rv::parse_public_key(trusted)) {
      rs.rendezvous_key = *k;
    } else {
      std::cerr << "telepane-server: '" << trusted << "' is not a server public key (43 characters of base64url)\n";
      return kExitUsage;
    }
    const double mbps = opts.bandwidth ? *opts.bandwidth : *cfg.at_path("relay.bandwidth_mbps")->as_double();
    rs.bandwidth_bytes_per_second = mbps * 1e6 / 8;
    rs.session_bandwidth_bytes_per_second = *cfg.at_path("relay.session_bandwidth_mbps")->as_double() * 1e6 / 8;
    rs.pair_timeout = std::chrono::milliseconds(*cfg.at_path("relay.pair_timeout_ms")->as_int());
    rs.idle_timeout = std::chrono::milliseconds(*cfg.at_path("relay.idle_timeout_ms")->as_int());
    rs.max_connections = max_conn;
    rs.max_connections_per_source = per_source;
    relay = std::make_unique<RelayServer>(io, rs, logger);
    say("relay listening on " + endpoint_text(boost::asio::ip::tcp::endpoint(rs.listen.address(), relay->port())));
  }
  if (rendezvous_role) {
    if (!key) key.emplace(rv::ServerKey::load_or_create(data_dir / "server.key"));
    const auto features = rt.plugins().features(TP_KIND_REGISTRY);  // best rank first
    if (features.empty()) {
      std::cerr << "telepane-server: no registry plugin is loaded (is org.telepane.registry.sqlite enabled?)\n";
      return kExitFailed;
    }
    registry = std::make_unique<PeerRegistry>(features.front(), data_dir.string());
    RendezvousSettings s;
    s.listen = with_port(parse_endpoint(cfg.at_path("rendezvous.listen")->text()), opts.port);
    s.relays = opts.relays.empty() ? strings(cfg.at_path("rendezvous.relays")) : opts.relays;
    if (relay) s.own_relay_port = relay->port();
    s.heartbeat = std::chrono::milliseconds(*cfg.at_path("rendezvous.heartbeat_ms")->as_int());
    s.hello_timeout = std::chrono::milliseconds(*cfg.at_path("rendezvous.hello_timeout_ms")->as_int());
    s.token_ttl = std::chrono::milliseconds(*cfg.at_path("rendezvous.token_ttl_ms")->as_int());
    s.lookups_per_second = double(*cfg.at_path("rendezvous.lookups_per_second")->as_int());
    s.max_connections = max_conn;
    s.max_connections_per_source = per_source;
    rendezvous = std::make_unique<RendezvousServer>(io, *key, *registry, s, logger);
    say("rendezvous listening on " +
        endpoint_text(boost::asio::ip::tcp::endpoint(s.listen.address(), rendezvous->port())) + " (TCP and UDP)");
    say("key: " + rv::encode_public_key(key->public_key()));
  }

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int) {
    if (rendezvous) rendezvous->stop();
    if (relay) relay->stop();
    io.stop();
  });
  io.run();
  say("stopped");
  return kExitOk;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    const ServerOptions opts = parse_server_options(argc, argv);
    if (opts.help) {
      std::cout << server_help();
      return kExitOk;
    }
    if (opts.version) {
      std::cout << "telepane-server " << TELEPANE_VERSION << "\n";
      return kExitOk;
    }
    return run(opts);
  } catch (const std::invalid_argument& e) {
    std::cerr << "telepane-server: " << e.what() << " (see telepane-server --help)\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "telepane-server: " << e.what() << "\n";
    return kExitFailed;
  }
}
