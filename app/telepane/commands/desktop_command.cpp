// telepane [desktop]: the desktop app. The frontend plugin (the window) runs on the main thread until the person
// quits it or SIGINT/SIGTERM arrives; behind it the app shares this machine and runs viewer sessions.
#include "commands.hpp"
#include "desktop/desktop_app.hpp"
#include "session/terminal.hpp"

#include <telepane/abi/tp_frontend.h>

#include <atomic>
#include <cstdlib>
#include <iostream>

namespace telepane::app {

int desktop_command(const CliOptions& opts, core::Logger& logger) {
  if (opts.words.size() > 1) throw UsageError("'desktop' takes no arguments");
  // Before anything starts sharing this machine: a window that cannot open would leave a host nobody sees.
  const auto set = [](const char* name) { return std::getenv(name) != nullptr && *std::getenv(name) != '\0'; };
  if (!set("DISPLAY") && !set("WAYLAND_DISPLAY")) {
    std::cerr << "telepane: the desktop app needs a display (DISPLAY is not set). Without a window: telepane host, "
                 "telepane connect ID --headless (see telepane --help)\n";
    return kExitFailed;
  }
  StopSignal stop;  // before any thread starts, so only the watcher below takes SIGINT/SIGTERM
  core::Runtime rt(logger, peer_settings());
  if (!configure_runtime(rt, opts)) return kExitUsage;
  rt.load_plugins();
  const auto frontend = rt.plugins().feature(TP_KIND_FRONTEND, "desktop");
  if (!frontend) {
    std::cerr << "telepane: no desktop window: the frontend plugin org.telepane.frontend.imgui is not loaded (see "
                 "telepane plugins list; it needs a display). Without a window: telepane host, telepane connect ID "
                 "--headless\n";
    return kExitFailed;
  }
  try {
    const auto file = opts.identity_file.empty() ? core::identity::default_identity_file()
                                                 : std::filesystem::path(opts.identity_file);
    const auto id = core::identity::Identity::load_or_create(file);
    DesktopApp app(rt, opts, id, *frontend);
    const auto* vt = frontend->vtable<tp_frontend_vtbl>();
    std::atomic<bool> done{false};
    std::thread watcher([&] {
      while (!done.load())
        if (stop.wait(200)) vt->request_quit(frontend->host);
    });
    tp_error err{};
    const int32_t code = vt->run(frontend->host, &err);
    done = true;
    watcher.join();
    if (code != 0 && err.message[0] != '\0') std::cerr << "telepane: " << err.message << "\n";
    return code;
  } catch (const std::exception& e) {
    std::cerr << "telepane: " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace telepane::app
