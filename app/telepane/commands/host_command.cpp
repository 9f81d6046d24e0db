// telepane host: share this machine, headless. Prints the ID, the full ID and the one-time password, accepts
// direct connections, carries chat to and from the terminal, and stops on SIGINT/SIGTERM.
#include "commands.hpp"
#include "session/session_setup.hpp"
#include "session/terminal.hpp"

#include <telepane/core/identity/identity.hpp>
#include <telepane/core/session/admission.hpp>

#include <algorithm>
#include <iostream>
#include <iterator>
#include <mutex>
#include <set>

namespace telepane::app {
namespace cs = core::session;

int host_command(const CliOptions& opts, core::Logger& logger) {
  if (opts.words.size() != 1) throw UsageError("'host' takes no arguments");
  StopSignal stop;  // before any thread starts, so only the main thread takes SIGINT/SIGTERM
  core::Runtime rt(logger, peer_settings());
  if (!configure_runtime(rt, opts)) return kExitUsage;
  Terminal terminal(rt.bus(), rt.executor(), "viewer");
  auto otp = rt.bus().subscribe("auth.password.one_time", rt.executor(),
                                [](const core::Event& e) { Terminal::say("one-time password: " + e.payload); });
  rt.load_plugins();
  try {
    const auto file = opts.identity_file.empty() ? core::identity::default_identity_file()
                                                 : std::filesystem::path(opts.identity_file);
    const auto id = core::identity::Identity::load_or_create(file);
    auto cfg = session_config(rt, id, /*viewer=*/false);
    if (!cfg.auth) {
      std::cerr << "telepane: no authentication method is loaded; refusing to share this machine without one\n";
      return kExitFailed;
    }
    for (auto& g : rt.core_config().at_path("host.grant")->items()) cfg.grant.push_back(g.text());
    std::set<std::string> trusted;
    for (auto& t : rt.core_config().at_path("host.trusted")->items()) trusted.insert(t.text().substr(10));
    cfg.trusted = [trusted](const cs::Key32& key) { return trusted.count(core::identity::fingerprint_of(key)) > 0; };
    cfg.limiter = std::make_shared<cs::FailureLimiter>();  // shared by every session: guessing spans connections
    cfg.limiter_keys = {"id:" + id.numeric_id()};
    const std::string listen = opts.listen.empty() ? rt.core_config().at_path("host.listen")->text() : opts.listen;

    const auto& core = rt.core_config();
    cfg.auth_timeout = std::chrono::milliseconds(*core.at_path("host.auth_timeout_ms")->as_int());
    auto admission = std::make_shared<cs::Admission>(
        cs::AdmissionLimits{std::size_t(*core.at_path("host.max_sessions")->as_int()),
                            std::size_t(*core.at_path("host.max_pending_per_source")->as_int())});

    struct Hosted {
      cs::Admission::Ticket ticket;
      std::unique_ptr<cs::PeerSession> session;
    };
    std::mutex mu;
    std::vector<Hosted> sessions;
    auto listener =
        cs::TransportListener::listen(tcp_transport(rt), listen, [&](std::unique_ptr<cs::TransportLink> link) {
          const std::string source = cs::address_without_port(link->peer_address());
          auto admitted = admission->admit(source);
          if (auto* why = std::get_if<std::string>(&admitted)) {
            logger.debug("host", "refused a connection: " + *why);
            return;  // the link closes as it goes out of scope
          }
          auto session_cfg = cfg;
          session_cfg.limiter_keys.push_back("source:" + source);
          auto s = std::make_unique<cs::PeerSession>(std::move(session_cfg), std::move(link), rt.bus(), logger);
          std::lock_guard lock(mu);
          sessions.push_back({std::move(std::get<cs::Admission::Ticket>(admitted)), std::move(s)});
        });
    Terminal::say("listening on " + listener->address());
    Terminal::say("id: " + id.numeric_id());
    Terminal::say("full id: " + id.full_id());
    terminal.read_stdin([] {});  // a host without a terminal keeps sharing

    while (!stop.wait(200)) {
      std::vector<Hosted> finished;  // destroyed outside the lock: a session's destructor joins its worker
      std::lock_guard lock(mu);
      for (auto& h : sessions)
        if (h.ticket.pending() && h.session->authenticated()) h.ticket.authenticated();
      auto done = std::partition(sessions.begin(), sessions.end(), [](auto& h) {
        return !h.session->wait_closed(std::chrono::milliseconds(0)).has_value();
      });
      std::move(done, sessions.end(), std::back_inserter(finished));
      sessions.erase(done, sessions.end());
    }
    listener.reset();
    std::vector<Hosted> ending;
    {
      std::lock_guard lock(mu);
      ending.swap(sessions);
    }
    for (auto& h : ending) h.session->close("the host stopped sharing");
    ending.clear();
    Terminal::say("stopped");
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "telepane: " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace telepane::app
