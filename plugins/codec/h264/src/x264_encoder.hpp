// H.264 encoding with x264, tuned for remote desktop: the ultrafast/superfast presets with zerolatency (no
// lookahead, no B-frames, one frame in, one packet out), CBR through the VBV with a bitrate that can change live,
// Annex B output with the parameter sets repeated at every keyframe, and keyframes only at the start, on request
// and when the picture size changes.
#pragma once

#include <telepane/sdk/sdk.hpp>

#include <atomic>
#include <cstdint>
#include <string>

extern "C" {
#include <stdint.h>  // x264.h needs the fixed-width types first
#include <x264.h>
}

namespace telepane::h264 {

struct EncoderSettings {
  std::string preset = "ultrafast";
  int threads = 2;
  uint32_t bitrate_kbps = 0;  // 0: from the picture size
};

class X264Encoder {
 public:
  X264Encoder(const tp_video_params& params, const EncoderSettings& settings);
  ~X264Encoder();
  X264Encoder(const X264Encoder&) = delete;
  X264Encoder& operator=(const X264Encoder&) = delete;

  void encode(const tp_frame& frame, const sdk::PacketSink& sink);  // [encode thread]
  void request_keyframe() { keyframe_ = true; }                     // [any thread]
  void set_bitrate(uint32_t kbps) { pending_kbps_ = kbps; }         // [any thread]

 private:
  void open(uint32_t width, uint32_t height);
  EncoderSettings settings_;
  uint32_t fps_;
  x264_param_t param_{};
  x264_t* encoder_ = nullptr;
  std::atomic<bool> keyframe_{true};
  std::atomic<uint32_t> pending_kbps_{0};
};

uint32_t default_bitrate_kbps(uint32_t width, uint32_t height, uint32_t fps);

}  // namespace telepane::h264
