// telepane connect ID [--password P] [--relay] [--address HOST:PORT] [--record FILE] [--duration S] [--stats]:
// a headless viewer. Finds the host through the rendezvous server (or at --address), checks its key against the
// full ID, the server's signed answer and the known-hosts pin, authenticates, receives the screen (recording it
// with --record), carries chat and '/' commands (mouse, keyboard, clipboard) from the terminal, and exits when
// the session ends (0 after a session, 1 when none could be had, with the reason).
#include "commands.hpp"
#include "session/screen_setup.hpp"
#include "session/session_setup.hpp"
#include "session/terminal.hpp"
#include "session/viewer_commands.hpp"

#include <telepane/core/identity/known_hosts.hpp>
#include <telepane/core/rendezvous/rendezvous_client.hpp>

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <thread>

namespace telepane::app {
namespace cs = core::session;
namespace ci = core::identity;
namespace rv = core::rendezvous;

namespace {
// The first of `addresses` that accepts a TCP connection within `timeout`, tried all at once; null when none.
std::unique_ptr<cs::TransportLink> first_direct_link(const core::plugins::FeatureRef& tcp,
                                                     const std::vector<std::string>& addresses,
                                                     std::chrono::milliseconds timeout, core::Logger& logger) {
  std::vector<std::unique_ptr<cs::TransportLink>> tries;
  for (auto& a : addresses) {
    try {
      tries.push_back(cs::TransportLink::connect(tcp, a));
    } catch (const std::exception& e) {
      logger.debug("connect", a + ": " + e.what());
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!tries.empty() && std::chrono::steady_clock::now() < deadline) {
    for (auto& t : tries)
      if (!t->peer_address().empty()) return std::move(t);  // the others close as `tries` goes
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return nullptr;
}
}  // namespace

int connect_command(const CliOptions& opts, core::Logger& logger) {
  if (opts.words.size() != 2) throw UsageError("expected 'connect ID'");
  const auto target = ci::parse_peer_id(opts.words[1]);
  if (!target) throw UsageError("'" + opts.words[1] + "' is not a peer ID (9 digits, or ID@fingerprint)");
  std::string password = opts.password;
  if (password.empty() && std::getenv("TELEPANE_PASSWORD") != nullptr) password = std::getenv("TELEPANE_PASSWORD");

  StopSignal stop;
  core::Runtime rt(logger, peer_settings());
  if (!configure_runtime(rt, opts)) return kExitUsage;
  const auto server = opts.address.empty() ? rendezvous_server(rt, opts) : std::nullopt;
  if (opts.address.empty() && !server)
    throw UsageError("no way to find " + target->numeric_id +
                     ": set a rendezvous server (--server and -k, or rendezvous.server and rendezvous.key) or give "
                     "the host's address with --address HOST:PORT");
  if (opts.relay && !server) throw UsageError("--relay needs a rendezvous server, not --address");
  if (opts.duration < 0) throw UsageError("--duration must be a number of seconds, not negative");
  if (password.empty() && isatty(STDIN_FILENO)) {
    std::cerr << "Password for " << target->numeric_id << ": " << std::flush;
    std::getline(std::cin, password);
  }
  // No password is fine for a device the host trusts; a host that asks for one ends the session saying so.
  Terminal terminal(rt.bus(), rt.executor(), "host");
  auto waiting = rt.bus().subscribe("session.state", rt.executor(), [](const core::Event& e) {
    if (e.payload.rfind("waiting: ", 0) == 0) Terminal::say(e.payload.substr(9));
  });
  rt.load_plugins();
  try {
    const auto id_file =
        opts.identity_file.empty() ? ci::default_identity_file() : std::filesystem::path(opts.identity_file);
    const auto kh_file =
        opts.known_hosts_file.empty() ? ci::default_known_hosts_file() : std::filesystem::path(opts.known_hosts_file);
    const auto me = ci::Identity::load_or_create(id_file);
    auto known = ci::KnownHosts::load(kh_file);
    auto cfg = session_config(rt, me, /*viewer=*/true);
    if (!cfg.auth) throw std::runtime_error("no password method is loaded (is org.telepane.auth.password enabled?)");
    cfg.secret = password;
    auto stats = std::make_shared<core::media::ScreenStats>();
    auto remote = std::make_shared<core::media::ScreenRemote>();
    try {
      cfg.services.push_back(viewer_screen(rt, {opts.record, stats, remote, &Terminal::say}));
    } catch (const std::exception& e) {
      if (!opts.record.empty() || opts.stats) throw;
      logger.warn("connect", std::string("no screen: ") + e.what());
    }

    // The key the rendezvous server vouches for, when we asked it; the handshake must present exactly that key.
    std::optional<cs::Key32> vouched;
    std::unique_ptr<cs::TransportLink> link;
    std::string path;
    // How a dropped session comes back: the same path again (a relay needs a new offer).
    std::function<std::unique_ptr<cs::TransportLink>()> reconnect;
    if (server) {
      rv::RendezvousConnection conn(transport(rt, "tcp"), server->address, server->timeout);
      const auto answer = rv::lookup(conn, server->key, target->numeric_id, server->timeout);
      if (answer.key().size() != 32) throw std::runtime_error("the rendezvous answer carries no key");
      cs::Key32 key{};
      std::memcpy(key.data(), answer.key().data(), 32);
      vouched = key;
      const std::string fp = ci::fingerprint_of(key);
      if (target->fingerprint && *target->fingerprint != fp)
        throw cs::SessionError("key mismatch for " + target->numeric_id + ": the full ID names key " +
                               *target->fingerprint + " but the rendezvous server vouches for " + fp +
                               ". The server or the ID is wrong; not connecting.");
      if (known.check(target->numeric_id, key) == ci::KnownHosts::Verdict::Mismatch)
        throw cs::SessionError(ci::key_mismatch_message(target->numeric_id, *known.pinned(target->numeric_id), fp));
      if (!answer.online()) throw std::runtime_error("host " + target->numeric_id + " is offline");
      std::vector<std::string> paths;
      if (opts.relay) {
        paths = {"relay"};
      } else {
        for (auto& p : rt.core_config().at_path("connect.paths")->items()) paths.push_back(p.text());
      }
      const auto direct_timeout =
          std::chrono::milliseconds(*rt.core_config().at_path("connect.direct_timeout_ms")->as_int());
      for (auto& p : paths) {
        if (p == "direct" && answer.addresses_size() > 0) {
          link = first_direct_link(transport(rt, "tcp"), {answer.addresses().begin(), answer.addresses().end()},
                                   direct_timeout, logger);
          if (link) {
            path = "direct to " + link->peer_address();
            reconnect = [tcp = transport(rt, "tcp"), address = link->peer_address()] {
              return cs::TransportLink::connect(tcp, address);
            };
          }
        } else if (p == "relay") {
          const auto offer = rv::request_relay(conn, target->numeric_id, server->timeout);
          link = cs::TransportLink::connect(transport(rt, "relay"), rv::relay_link_address(offer, true));
          path = "relay " + offer.relay();
          reconnect = [&rt, srv = *server, id = target->numeric_id] {
            rv::RendezvousConnection again(transport(rt, "tcp"), srv.address, srv.timeout);
            const auto fresh = rv::request_relay(again, id, srv.timeout);
            return cs::TransportLink::connect(transport(rt, "relay"), rv::relay_link_address(fresh, true));
          };
        }
        if (link) break;
      }
      if (!link) {
        std::string tried;
        for (auto& p : paths) tried += (tried.empty() ? "" : ", ") + p;
        throw std::runtime_error("no path to host " + target->numeric_id + " worked (tried: " + tried + ")");
      }
    } else {
      link = cs::TransportLink::connect(transport(rt, "tcp"), opts.address);
      path = "direct to " + opts.address;
      reconnect = [tcp = transport(rt, "tcp"), address = opts.address] {
        return cs::TransportLink::connect(tcp, address);
      };
    }
    if (*rt.core_config().at_path("connect.resume")->as_bool()) cfg.reconnect = std::move(reconnect);
    Terminal::say("connecting to " + target->numeric_id + " (" + path + ")");

    std::string presented;
    cfg.secure.check_host_key = [&](const cs::Key32& key) {
      presented = ci::fingerprint_of(key);
      if (vouched && *vouched != key)
        throw cs::SessionError("key mismatch for " + target->numeric_id + ": the rendezvous server vouches for " +
                               ci::fingerprint_of(*vouched) + " but the host presents " + presented);
      if (target->fingerprint && *target->fingerprint != presented)
        throw cs::SessionError("key mismatch for " + target->numeric_id + ": the full ID names key " +
                               *target->fingerprint + " but the host presents " + presented +
                               ". Check the full ID; someone may be impersonating the host.");
      if (known.check(target->numeric_id, key) == ci::KnownHosts::Verdict::Mismatch)
        throw cs::SessionError(
            ci::key_mismatch_message(target->numeric_id, *known.pinned(target->numeric_id), presented));
    };
    auto clipboard = rt.bus().subscribe("clipboard.received", rt.executor(),
                                        [](const core::Event& e) { Terminal::say("host clipboard: " + e.payload); });
    cs::PeerSession session(std::move(cfg), std::move(link), rt.bus(), logger);
    bool had_session = false;
    std::optional<std::string> reason;
    std::optional<std::chrono::steady_clock::time_point> leave_at;
    while (!(reason = session.wait_closed(std::chrono::milliseconds(0)))) {
      if (!had_session && session.authenticated()) {
        had_session = true;
        if (!known.pinned(target->numeric_id)) known.pin(target->numeric_id, presented);  // first use: pin the key
        if (opts.duration > 0)
          leave_at = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                            std::chrono::duration<double>(opts.duration));
        // Read the terminal only now: lines typed before the services exist would be lost. With --duration the
        // session lasts that long, input or not.
        terminal.read_stdin(
            [&] {
              if (!leave_at) session.close("the viewer left");
            },
            [&](const std::string& line) {
              std::string reply;
              if (!viewer_command(line, {rt.bus(), session.capabilities(), remote.get()}, reply)) return false;
              Terminal::say(reply);
              return true;
            });
      }
      if (stop.wait(100)) session.close("the viewer left");
      if (leave_at && std::chrono::steady_clock::now() >= *leave_at) session.close("the viewer left");
    }
    terminal.stop_reading();  // its end-of-input handler uses the session, which goes away next
    had_session = had_session || session.authenticated();
    if (!had_session) {
      if (*reason == "the host asks for a password") *reason += ": give it with --password or TELEPANE_PASSWORD";
      std::cerr << "telepane: " << *reason << "\n";
      return kExitFailed;
    }
    Terminal::say("closed: " + *reason);
    if (opts.stats) Terminal::say(core::media::describe(stats->summary()));
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "telepane: " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace telepane::app
