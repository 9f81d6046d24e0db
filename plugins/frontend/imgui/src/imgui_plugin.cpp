// Plugin org.telepane.frontend.imgui: the desktop window (Dear ImGui on GLFW and OpenGL 3.3). The only module that
// links ImGui; nothing of ImGui crosses its boundary. It talks to the application over the bus
// (sdk/app_events.hpp) and takes decoded pictures through tp_frontend_vtbl.present.
#include "window.hpp"

#include <telepane/abi/tp_frontend.h>
#include <telepane/sdk/plugin.hpp>

namespace {
using telepane::frontend::Shared;
using telepane::sdk::Error;
using telepane::sdk::Host;

constexpr const char* kSchema = R"JSON({
  "type": "object",
  "properties": {
    "width": {"type": "integer", "minimum": 480, "maximum": 7680, "default": 1280,
              "description": "Width of the window when it opens, pixels"},
    "height": {"type": "integer", "minimum": 360, "maximum": 4320, "default": 800,
               "description": "Height of the window when it opens, pixels"},
    "font_size": {"type": "integer", "minimum": 8, "maximum": 48, "default": 16,
                  "description": "Text size, pixels"},
    "vsync": {"type": "boolean", "default": false,
              "description": "Wait for the display's refresh before each frame (smoother on real screens; off draws each picture as soon as it is decoded)"}
  }
})JSON";

Shared& shared(const tp_host* h) {
  auto* s = Host(h).data<Shared>();
  if (s == nullptr) throw Error(TP_ERR_INTERNAL, "frontend used before on_load");
  return *s;
}

int32_t run(const tp_host* h, tp_error* err) {
  int32_t code = 1;
  const tp_status s = telepane::sdk::guard(err, [&] {
    Host host(h);
    telepane::frontend::WindowOptions o;
    o.width = int(host.config_int("width").value_or(1280));
    o.height = int(host.config_int("height").value_or(800));
    o.font_size = float(host.config_int("font_size").value_or(16));
    o.vsync = host.config_bool("vsync").value_or(false);
    code = telepane::frontend::run_window(host, shared(h), o);
  });
  return s == TP_OK ? code : 1;
}

void request_quit(const tp_host* h) {
  try {
    Shared& s = shared(h);
    s.quit = true;
    s.wake();
  } catch (...) {
  }
}

void present(const tp_host* h, const tp_frame* frame) {
  try {
    Shared& s = shared(h);
    if (frame != nullptr && s.slot.put(*frame, Host(h).now_ns())) s.wake();
  } catch (...) {
    // A picture that cannot be shown is skipped; the next one replaces it anyway.
  }
}

const tp_frontend_vtbl kVtable = {sizeof(tp_frontend_vtbl), run, request_quit, present};

void on_load(Host host) {
  host.make_data<Shared>();
}
void on_unload(Host host) {
  host.free_data<Shared>();
}

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.frontend.imgui", {0, 1, 0})
      .description("The desktop window: home, remote view, host prompts and settings (Dear ImGui, GLFW, OpenGL 3.3)")
      .schema(kSchema)
      // OpenGL drivers (Mesa) leave threads and allocations behind when unloaded: keep the library mapped.
      .flags(TP_PLUGIN_KEEP_LOADED)
      .feature(TP_KIND_FRONTEND, "desktop", 10, &kVtable)
      .on_load(on_load)
      .on_unload(on_unload);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
