// telepane connect ID --address HOST:PORT [--password P]: a headless viewer. Checks the host's key against the full
// ID and the known-hosts pin, authenticates, carries chat to and from the terminal, and exits when the session
// ends (0 after a session, 1 when none could be had, with the reason).
#include "commands.hpp"
#include "session/session_setup.hpp"
#include "session/terminal.hpp"

#include <telepane/core/identity/known_hosts.hpp>

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace telepane::app {
namespace cs = core::session;
namespace ci = core::identity;

int connect_command(const CliOptions& opts, core::Logger& logger) {
  if (opts.words.size() != 2) throw UsageError("expected 'connect ID --address HOST:PORT'");
  const auto target = ci::parse_peer_id(opts.words[1]);
  if (!target) throw UsageError("'" + opts.words[1] + "' is not a peer ID (9 digits, or ID@fingerprint)");
  if (opts.address.empty())
    throw UsageError("this build connects directly only: give the host's address with --address HOST:PORT");
  std::string password = opts.password;
  if (password.empty() && std::getenv("TELEPANE_PASSWORD") != nullptr) password = std::getenv("TELEPANE_PASSWORD");
  if (password.empty() && isatty(STDIN_FILENO)) {
    std::cerr << "Password for " << target->numeric_id << ": " << std::flush;
    std::getline(std::cin, password);
  }
  // No password is fine for a device the host trusts; a host that asks for one ends the session saying so.

  StopSignal stop;
  core::Runtime rt(logger, peer_settings());
  if (!configure_runtime(rt, opts)) return kExitUsage;
  Terminal terminal(rt.bus(), rt.executor(), "host");
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
    std::string presented;
    cfg.secure.check_host_key = [&](const cs::Key32& key) {
      presented = ci::fingerprint_of(key);
      if (target->fingerprint && *target->fingerprint != presented)
        throw cs::SessionError("key mismatch for " + target->numeric_id + ": the full ID names key " +
                               *target->fingerprint + " but the host presents " + presented +
                               ". Check the full ID; someone may be impersonating the host.");
      if (known.check(target->numeric_id, key) == ci::KnownHosts::Verdict::Mismatch)
        throw cs::SessionError(
            ci::key_mismatch_message(target->numeric_id, *known.pinned(target->numeric_id), presented));
    };
    cs::PeerSession session(std::move(cfg), cs::TransportLink::connect(tcp_transport(rt), opts.address), rt.bus(),
                            logger);
    bool had_session = false;
    std::optional<std::string> reason;
    while (!(reason = session.wait_closed(std::chrono::milliseconds(0)))) {
      if (!had_session && session.authenticated()) {
        had_session = true;
        if (!known.pinned(target->numeric_id)) known.pin(target->numeric_id, presented);  // first use: pin the key
        // Read the terminal only now: lines typed before the chat service exists would be lost.
        terminal.read_stdin([&] { session.close("the viewer left"); });
      }
      if (stop.wait(100)) session.close("the viewer left");
    }
    terminal.stop_reading();  // its end-of-input handler uses the session, which goes away next
    had_session = had_session || session.authenticated();
    if (!had_session) {
      if (*reason == "the host asks for a password") *reason += ": give it with --password or TELEPANE_PASSWORD";
      std::cerr << "telepane: " << *reason << "\n";
      return kExitFailed;
    }
    Terminal::say("closed: " + *reason);
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "telepane: " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace telepane::app
