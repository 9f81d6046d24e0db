// A screen capture plugin. Replace grab() with your backend; keep the structure.
// This one produces a solid colour that changes once a second, with its damage rectangle.
#include <telepane/sdk/sdk.hpp>

#include <chrono>
#include <thread>
#include <vector>

namespace {
using telepane::sdk::Error;
using telepane::sdk::Host;

constexpr const char* kSchema = R"({
  "type": "object",
  "properties": {
    "width":  {"type": "integer", "minimum": 16, "maximum": 16384, "default": 640, "description": "Frame width"},
    "height": {"type": "integer", "minimum": 16, "maximum": 16384, "default": 360, "description": "Frame height"}
  }
})";

class Capture final : public telepane::sdk::Capture {
 public:
  Capture(Host host, const tp_capture_params& params)
      : host_(host),
        width_(params.width ? params.width : uint32_t(host.config_int("width").value_or(640))),
        height_(params.height ? params.height : uint32_t(host.config_int("height").value_or(360))),
        pixels_(std::size_t(width_) * height_ * 4) {
    if (params.display != 0) throw Error(TP_ERR_NOT_FOUND, "this capture has one display, index 0");
  }

  // [capture thread] Return false when nothing changed within timeout_us: an unchanged screen costs nothing.
  bool grab(int64_t timeout_us, tp_frame& frame) override {
    const int64_t second = host_.now_ns() / 1'000'000'000;
    if (n_ > 0 && second == shown_) {
      std::this_thread::sleep_for(std::chrono::microseconds(timeout_us > 0 ? timeout_us : 0));
      return false;
    }
    shown_ = second;
    const uint8_t shade = uint8_t(n_ * 40);
    for (std::size_t i = 0; i < pixels_.size(); i += 4)
      pixels_[i] = shade, pixels_[i + 1] = 64, pixels_[i + 2] = 128, pixels_[i + 3] = 255;
    damage_ = {0, 0, width_, height_};
    frame.format = TP_PIXEL_FORMAT_BGRA;
    frame.width = width_;
    frame.height = height_;
    frame.planes[0] = pixels_.data();
    frame.strides[0] = width_ * 4;
    frame.pts_us = int64_t(n_) * 1'000'000;
    frame.capture_time_ns = host_.now_ns();
    frame.damage = &damage_;
    frame.damage_count = 1;
    ++n_;
    return true;
  }

 private:
  Host host_;
  uint32_t width_, height_;
  std::vector<uint8_t> pixels_;
  tp_rect damage_{};
  uint64_t n_ = 0;
  int64_t shown_ = -1;
};

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef(PLUGIN_ID, {0, 1, 0})
      .description("An example capture built from the Telepane plugin template")
      .schema(kSchema)
      .capture<Capture>(PLUGIN_NAME, 0);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
