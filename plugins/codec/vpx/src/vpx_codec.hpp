// VP8 and VP9 on libvpx, tuned for remote desktop: realtime deadline, no lookahead, CBR with a bitrate that can
// change live, screen-content tuning, row multithreading (VP9), and cyclic refresh instead of periodic keyframes
// (a keyframe only at the start, on request, and when the picture size changes).
#pragma once

#include <telepane/sdk/sdk.hpp>

#include <vpx/vpx_decoder.h>
#include <vpx/vpx_encoder.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace telepane::vpx {

enum class Codec { VP8, VP9 };

struct EncoderSettings {
  int speed = 8;  // libvpx cpu-used: higher is faster
  int threads = 2;
  uint32_t bitrate_kbps = 0;  // 0: from the picture size
};

class VpxEncoder {
 public:
  VpxEncoder(Codec codec, const tp_video_params& params, const EncoderSettings& settings);
  ~VpxEncoder();
  VpxEncoder(const VpxEncoder&) = delete;
  VpxEncoder& operator=(const VpxEncoder&) = delete;

  void encode(const tp_frame& frame, const sdk::PacketSink& sink);  // [encode thread]
  void request_keyframe() { keyframe_ = true; }                     // [any thread]
  void set_bitrate(uint32_t kbps) { pending_kbps_ = kbps; }         // [any thread]

 private:
  void init(uint32_t width, uint32_t height);
  void release();
  Codec codec_;
  EncoderSettings settings_;
  uint32_t fps_;
  vpx_codec_ctx_t ctx_{};
  vpx_codec_enc_cfg_t cfg_{};
  bool initialised_ = false;
  std::atomic<bool> keyframe_{true};
  std::atomic<uint32_t> pending_kbps_{0};
};

class VpxDecoder {
 public:
  explicit VpxDecoder(Codec codec);
  ~VpxDecoder();
  VpxDecoder(const VpxDecoder&) = delete;
  VpxDecoder& operator=(const VpxDecoder&) = delete;

  // Throws sdk::Error(TP_ERR_PROTOCOL) for a corrupt packet, and for every packet after it until a keyframe.
  void decode(const tp_packet& packet, const sdk::FrameSink& sink);  // [decode thread]

 private:
  void reset();
  Codec codec_;
  vpx_codec_ctx_t ctx_{};
  bool need_keyframe_ = true;
};

// The bitrate for a picture when none is asked for: about 0.1 bit a pixel a frame, bounded.
uint32_t default_bitrate_kbps(uint32_t width, uint32_t height, uint32_t fps);
const char* codec_name(Codec c);

}  // namespace telepane::vpx
