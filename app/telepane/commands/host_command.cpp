// telepane host: share this machine, headless. Prints the ID, the full ID and the one-time password, accepts
// direct connections, registers at the rendezvous server when one is set (and meets viewers at its relay when
// they ask), carries chat to and from the terminal, and stops on SIGINT/SIGTERM.
#include "commands.hpp"
#include "session/confirm_prompt.hpp"
#include "session/hosting.hpp"
#include "session/terminal.hpp"

#include <telepane/core/identity/identity.hpp>

#include <iostream>

namespace telepane::app {
namespace cs = core::session;

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
    const auto& core = rt.core_config();
    ConfirmPrompt prompt(std::chrono::milliseconds(*core.at_path("host.confirm_timeout_ms")->as_int()));
    HostingOptions ho;
    ho.identity = &id;
    ho.listen = opts.listen.empty() ? core.at_path("host.listen")->text() : opts.listen;
    ho.ask = [&prompt](const cs::ConfirmRequest& r, std::function<void(cs::ConfirmDecision)> answer) {
      prompt.ask(r, std::move(answer));
    };
    ho.on_rendezvous_state = ho.notice = [](const std::string& s) { Terminal::say(s); };
    Hosting hosting(rt, std::move(ho), server);
    Terminal::say("listening on " + hosting.listen_address());
    Terminal::say("id: " + id.numeric_id());
    Terminal::say("full id: " + id.full_id());
    // A host without a terminal keeps sharing; questions for its person are then refused.
    terminal.read_stdin([&prompt] { prompt.terminal_closed(); },
                        [&prompt](const std::string& line) { return prompt.take_line(line); });

    while (!stop.wait(200)) {
      hosting.tend();
      prompt.expire();
    }
    terminal.stop_reading();
    prompt.terminal_closed();
    hosting.end(0, "the host stopped sharing");
    Terminal::say("stopped");
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "telepane: " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace telepane::app
