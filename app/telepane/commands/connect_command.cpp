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
#include "session/viewer_link.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace telepane::app {
namespace cs = core::session;
namespace ci = core::identity;

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
      cfg.services.push_back(viewer_screen(rt, {opts.record, stats, remote, &Terminal::say, {}, {}, &Terminal::say}));
    } catch (const std::exception& e) {
      if (!opts.record.empty() || opts.stats) throw;
      logger.warn("connect", std::string("no screen: ") + e.what());
    }

    ViewerLinkRequest request{*target, server, opts.address, opts.relay};
    auto vl = open_viewer_link(rt, request, known);
    if (*rt.core_config().at_path("connect.resume")->as_bool()) cfg.reconnect = vl.reconnect;
    Terminal::say("connecting to " + target->numeric_id + " (" + vl.path + ")");
    auto presented = std::make_shared<std::string>();
    cfg.secure.check_host_key = host_key_check(request, vl, known, presented);
    auto clipboard = rt.bus().subscribe("clipboard.received", rt.executor(),
                                        [](const core::Event& e) { Terminal::say("host clipboard: " + e.payload); });
    cs::PeerSession session(std::move(cfg), std::move(vl.link), rt.bus(), logger);
    bool had_session = false;
    std::optional<std::string> reason;
    std::optional<std::chrono::steady_clock::time_point> leave_at;
    while (!(reason = session.wait_closed(std::chrono::milliseconds(0)))) {
      if (!had_session && session.authenticated()) {
        had_session = true;
        if (!known.pinned(target->numeric_id)) known.pin(target->numeric_id, *presented);  // first use: pin the key
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
      if (had_session) {
        if (auto up = vl.upgrade->take()) {  // a punch that came through after the relay: move the session there
          Terminal::say("path: " + up->path + " (moving from the relay)");
          vl.current->set(up->path);
          session.switch_link(std::move(up->link));
        }
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
    if (opts.stats) Terminal::say(core::media::describe(stats->summary()) + "; path: " + vl.current->get());
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "telepane: " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace telepane::app
