// telepane host: share this machine, headless. Prints the ID, the full ID and the one-time password, accepts
// direct connections, registers at the rendezvous server when one is set (and meets viewers at its relay when
// they ask), carries chat to and from the terminal, and stops on SIGINT/SIGTERM.
#include "commands.hpp"
#include "session/confirm_prompt.hpp"
#include "session/direct_addresses.hpp"
#include "session/screen_setup.hpp"
#include "session/session_setup.hpp"
#include "session/terminal.hpp"

#include <telepane/core/identity/identity.hpp>
#include <telepane/core/rendezvous/rendezvous_client.hpp>
#include <telepane/core/session/admission.hpp>

#include <algorithm>
#include <iostream>
#include <iterator>
#include <mutex>
#include <set>

namespace telepane::app {
namespace cs = core::session;

namespace {
// Every session this host runs, whichever path it came by, within the admission limits.
class Sessions {
 public:
  Sessions(cs::PeerSessionConfig cfg, std::shared_ptr<cs::Admission> admission, core::Runtime& rt)
      : cfg_(std::move(cfg)), admission_(std::move(admission)), rt_(rt) {}

  // [a transport's io thread or the registration thread] `source`: the viewer's address without port.
  void accept(std::unique_ptr<cs::TransportLink> link, const std::string& source) {
    auto admitted = admission_->admit(source);
    if (auto* why = std::get_if<std::string>(&admitted)) {
      rt_.logger().debug("host", "refused a connection: " + *why);
      return;  // the link closes as it goes out of scope
    }
    auto session_cfg = cfg_;
    session_cfg.limiter_keys.push_back("source:" + source);
    auto s = std::make_unique<cs::PeerSession>(std::move(session_cfg), std::move(link), rt_.bus(), rt_.logger());
    std::lock_guard lock(mu_);
    sessions_.push_back({std::move(std::get<cs::Admission::Ticket>(admitted)), std::move(s)});
  }

  // Frees the slots of authenticated sessions' sources and reaps the ended ones. [main thread]
  void tend() {
    std::vector<Hosted> finished;  // destroyed outside the lock: a session's destructor joins its worker
    std::lock_guard lock(mu_);
    for (auto& h : sessions_)
      if (h.ticket.pending() && h.session->authenticated()) h.ticket.authenticated();
    auto done = std::partition(sessions_.begin(), sessions_.end(), [](auto& h) {
      return !h.session->wait_closed(std::chrono::milliseconds(0)).has_value();
    });
    std::move(done, sessions_.end(), std::back_inserter(finished));
    sessions_.erase(done, sessions_.end());
  }

  void close_all(const std::string& reason) {
    std::vector<Hosted> ending;
    {
      std::lock_guard lock(mu_);
      ending.swap(sessions_);
    }
    for (auto& h : ending) h.session->close(reason);
  }

 private:
  struct Hosted {
    cs::Admission::Ticket ticket;
    std::unique_ptr<cs::PeerSession> session;
  };
  cs::PeerSessionConfig cfg_;
  std::shared_ptr<cs::Admission> admission_;
  core::Runtime& rt_;
  std::mutex mu_;
  std::vector<Hosted> sessions_;
};
}  // namespace

int host_command(const CliOptions& opts, core::Logger& logger) {
  if (opts.words.size() != 1) throw UsageError("'host' takes no arguments");
  StopSignal stop;  // before any thread starts, so only the main thread takes SIGINT/SIGTERM
  core::Runtime rt(logger, peer_settings());
  if (!configure_runtime(rt, opts)) return kExitUsage;
  const auto server = rendezvous_server(rt, opts);
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
    const auto& core = rt.core_config();
    for (auto& g : core.at_path("host.grant")->items()) cfg.grant.push_back(g.text());
    if (std::find(cfg.grant.begin(), cfg.grant.end(), core::media::kScreenCapability) != cfg.grant.end())
      cfg.services.push_back(host_screen(rt));
    std::set<std::string> trusted;
    for (auto& t : core.at_path("host.trusted")->items()) trusted.insert(t.text().substr(10));
    cfg.trusted = [trusted](const cs::Key32& key) { return trusted.count(core::identity::fingerprint_of(key)) > 0; };
    cs::BackoffPolicy backoff;
    backoff.base = std::chrono::milliseconds(*core.at_path("host.auth_backoff_ms")->as_int());
    cfg.limiter = std::make_shared<cs::FailureLimiter>(backoff);  // shared by every session: guessing spans connections
    cfg.limiter_keys = {"id:" + id.numeric_id()};
    cfg.auth_timeout = std::chrono::milliseconds(*core.at_path("host.auth_timeout_ms")->as_int());
    cfg.resume_window = std::chrono::milliseconds(*core.at_path("host.resume_window_ms")->as_int());
    cfg.resume_directory = std::make_shared<cs::ResumeDirectory>();
    ConfirmPrompt prompt(std::chrono::milliseconds(*core.at_path("host.confirm_timeout_ms")->as_int()));
    const std::string confirm = core.at_path("host.confirm")->text();
    if (confirm == "ask")
      cfg.confirm = [&prompt](const cs::ConfirmRequest& r, std::function<void(bool)> answer) {
        prompt.ask(r, std::move(answer));
      };
    if (confirm == "deny")
      cfg.confirm = [](const cs::ConfirmRequest& r, std::function<void(bool)> answer) {
        Terminal::say("refused a viewer from " + r.viewer_address + ": host.confirm is deny");
        answer(false);
      };
    const std::string listen = opts.listen.empty() ? core.at_path("host.listen")->text() : opts.listen;
    auto admission = std::make_shared<cs::Admission>(
        cs::AdmissionLimits{std::size_t(*core.at_path("host.max_sessions")->as_int()),
                            std::size_t(*core.at_path("host.max_pending_per_source")->as_int())});
    Sessions sessions(std::move(cfg), admission, rt);

    auto listener =
        cs::TransportListener::listen(transport(rt, "tcp"), listen, [&](std::unique_ptr<cs::TransportLink> link) {
          const std::string source = cs::address_without_port(link->peer_address());
          sessions.accept(std::move(link), source);
        });
    Terminal::say("listening on " + listener->address());
    Terminal::say("id: " + id.numeric_id());
    Terminal::say("full id: " + id.full_id());

    std::unique_ptr<core::rendezvous::HostRegistration> registration;
    if (server) {
      core::rendezvous::HostRegistration::Options ro;
      ro.transport = transport(rt, "tcp");
      ro.server = server->address;
      ro.server_key = server->key;
      ro.identity = &id;
      ro.timeout = server->timeout;
      ro.addresses = direct_addresses(listener->address());
      const auto port = listener->address().substr(listener->address().rfind(':') + 1);
      ro.listen_port = uint16_t(std::stoi(port));
      auto relay = rt.plugins().feature(TP_KIND_TRANSPORT, "relay");
      ro.on_offer = [&sessions, relay, &logger](const core::rendezvous::RelayOffer& offer) {
        if (!relay) return logger.warn("host", "a viewer asked for the relay, but the relay transport is not loaded");
        try {
          sessions.accept(cs::TransportLink::connect(*relay, core::rendezvous::relay_link_address(offer, false)),
                          cs::address_without_port(offer.peer_address()));
        } catch (const std::exception& e) {
          logger.warn("host", std::string("cannot meet a viewer at the relay: ") + e.what());
        }
      };
      ro.on_state = [](const std::string& s) { Terminal::say(s); };
      registration = std::make_unique<core::rendezvous::HostRegistration>(std::move(ro), logger);
    }
    // A host without a terminal keeps sharing; questions for its person are then refused.
    terminal.read_stdin([&prompt] { prompt.terminal_closed(); },
                        [&prompt](const std::string& line) { return prompt.take_line(line); });

    while (!stop.wait(200)) {
      sessions.tend();
      prompt.expire();
    }
    registration.reset();
    listener.reset();
    terminal.stop_reading();
    prompt.terminal_closed();
    sessions.close_all("the host stopped sharing");
    Terminal::say("stopped");
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "telepane: " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace telepane::app
