// capture plugin "testpattern": deterministic moving content at any size and rate, with damage rectangles.
// For headless hosts, tests and benchmarks: every pixel of frame n is known in advance.
#include "pattern.hpp"

#include <telepane/sdk/sdk.hpp>

#include <chrono>
#include <thread>

namespace {
using telepane::sdk::Error;
using telepane::sdk::Host;
using telepane::testpattern::Pattern;

constexpr const char* kSchema = R"({
  "type": "object",
  "properties": {
    "width":  {"type": "integer", "minimum": 16, "maximum": 16384, "default": 1280, "description": "Frame width in pixels"},
    "height": {"type": "integer", "minimum": 16, "maximum": 16384, "default": 720, "description": "Frame height in pixels"},
    "fps":    {"type": "integer", "minimum": 1, "maximum": 240, "default": 30, "description": "Frames a second"},
    "motion": {"type": "boolean", "default": true,
               "description": "Move the box every frame; false gives one frame and then an unchanged screen"}
  }
})";

class TestPatternCapture final : public telepane::sdk::Capture {
 public:
  TestPatternCapture(Host host, const tp_capture_params& params)
      : pattern_(pick(params.width, host.config_int("width"), 1280),
                 pick(params.height, host.config_int("height"), 720)),
        fps_(pick(params.max_fps, host.config_int("fps"), 30)),
        motion_(host.config_bool("motion").value_or(true)),
        host_(host) {
    if (params.display != 0) throw Error(TP_ERR_NOT_FOUND, "testpattern has one display, index 0");
  }

  bool grab(int64_t timeout_us, tp_frame& frame) override {
    using clock = std::chrono::steady_clock;
    const auto now = clock::now();
    if (n_ > 0 && !motion_) {
      std::this_thread::sleep_for(std::chrono::microseconds(std::max<int64_t>(timeout_us, 0)));
      return false;
    }
    if (n_ == 0) start_ = now;
    const auto due = start_ + std::chrono::microseconds(int64_t(n_) * 1'000'000 / fps_);
    if (due > now) {
      if (due - now > std::chrono::microseconds(std::max<int64_t>(timeout_us, 0))) {
        std::this_thread::sleep_for(std::chrono::microseconds(std::max<int64_t>(timeout_us, 0)));
        return false;
      }
      std::this_thread::sleep_until(due);
    }
    const auto& damage = pattern_.render(n_);
    frame.format = TP_PIXEL_FORMAT_BGRA;
    frame.width = pattern_.width();
    frame.height = pattern_.height();
    frame.planes[0] = pattern_.pixels().data();
    frame.strides[0] = pattern_.width() * 4;
    frame.pts_us = int64_t(n_) * 1'000'000 / fps_;
    frame.capture_time_ns = host_.now_ns();
    frame.damage = damage.data();
    frame.damage_count = uint32_t(damage.size());
    ++n_;
    return true;
  }

 private:
  static uint32_t pick(uint32_t from_params, std::optional<int64_t> from_config, uint32_t fallback) {
    if (from_params != 0) return from_params;
    return from_config ? uint32_t(*from_config) : fallback;
  }

  Pattern pattern_;
  uint32_t fps_;
  bool motion_;
  Host host_;
  uint64_t n_ = 0;
  std::chrono::steady_clock::time_point start_{};
};

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.capture.testpattern", {0, 1, 0})
      .description("Deterministic moving test pattern with damage rectangles, for headless hosts and tests")
      .schema(kSchema)
      .flags(TP_PLUGIN_DEFAULT_DISABLED)  // a synthetic picture: for tests and demos, never shared by surprise
      .capture<TestPatternCapture>("testpattern", 0);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
