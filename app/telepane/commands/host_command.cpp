// telepane host: share this machine, headless. Prints the ID, the full ID and the one-time password, accepts
// direct connections, carries chat to and from the terminal, and stops on SIGINT/SIGTERM.
#include "commands.hpp"
#include "session/session_setup.hpp"
#include "session/terminal.hpp"

#include <telepane/core/identity/identity.hpp>

#include <iostream>
#include <mutex>

namespace telepane::app {
namespace cs = core::session;

int host_command(const CliOptions& opts, core::Logger& logger) {
  if (opts.words.size() != 1) throw UsageError("'host' takes no arguments");
  StopSignal stop;  // before any thread starts, so only the main thread takes SIGINT/SIGTERM
  core::Runtime rt(logger);
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
    cfg.limiter = std::make_shared<cs::FailureLimiter>();  // shared by every session: guessing spans connections
    cfg.limiter_key = "id:" + id.numeric_id();
    const std::string listen = opts.listen.empty() ? rt.core_config().at_path("host.listen")->text() : opts.listen;

    std::mutex mu;
    std::vector<std::unique_ptr<cs::PeerSession>> sessions;
    auto listener =
        cs::TransportListener::listen(tcp_transport(rt), listen, [&](std::unique_ptr<cs::TransportLink> link) {
          auto s = std::make_unique<cs::PeerSession>(cfg, std::move(link), rt.bus(), logger);
          std::lock_guard lock(mu);
          sessions.push_back(std::move(s));
        });
    Terminal::say("listening on " + listener->address());
    Terminal::say("id: " + id.numeric_id());
    Terminal::say("full id: " + id.full_id());
    terminal.read_stdin([] {});  // a host without a terminal keeps sharing

    while (!stop.wait(200)) {
      std::lock_guard lock(mu);  // forget finished sessions
      std::erase_if(sessions, [](auto& s) { return s->wait_closed(std::chrono::milliseconds(0)).has_value(); });
    }
    listener.reset();
    std::vector<std::unique_ptr<cs::PeerSession>> ending;
    {
      std::lock_guard lock(mu);
      ending.swap(sessions);
    }
    for (auto& s : ending) s->close("the host stopped sharing");
    ending.clear();
    Terminal::say("stopped");
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "telepane: " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace telepane::app
