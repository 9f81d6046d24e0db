// capture plugin "x11": the screen of an X server (XShm, XDamage, XRandR monitors) and its pointer (XFixes). On a
// machine without an X display its probe fails, and that is all: the host then says it has no screen to share.
#include "x11_capture.hpp"

#include <chrono>

namespace {
using telepane::sdk::Host;

constexpr const char* kSchema = R"JSON({
  "type": "object",
  "properties": {
    "display": {"type": "string", "default": "",
                "description": "X display to capture, e.g. \":0\"; empty: $DISPLAY"}
  }
})JSON";

class Capture final : public telepane::sdk::Capture {
 public:
  Capture(Host host, const tp_capture_params& params)
      : impl_(host.config_string("display").value_or(""), params.display), host_(host) {}
  bool cursor(tp_cursor& out) override {
    impl_.cursor(out);
    return true;
  }
  bool grab(int64_t timeout_us, tp_frame& frame) override {
    if (!impl_.grab(timeout_us, frame)) return false;
    frame.capture_time_ns = host_.now_ns();
    frame.pts_us = frame.capture_time_ns / 1000;
    return true;
  }

 private:
  telepane::x11::X11Capture impl_;
  Host host_;
};

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.capture.x11", {0, 1, 0})
      .description(
          "X11 screen capture: XShm grabs, XDamage (an unchanged screen sends nothing), XRandR monitors, XFixes "
          "pointer")
      .schema(kSchema)
      .capture<Capture>("x11", 20);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
