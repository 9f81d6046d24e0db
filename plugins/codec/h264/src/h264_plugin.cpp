// codec plugin "h264": x264 to encode, libavcodec to decode (see x264_encoder.hpp and avcodec_decoder.hpp).
#include "avcodec_decoder.hpp"
#include "x264_encoder.hpp"

extern "C" {
#include <libavutil/log.h>
}

namespace {
using telepane::sdk::Host;
namespace th = telepane::h264;

constexpr const char* kSchema = R"JSON({
  "type": "object",
  "properties": {
    "preset": {"type": "string", "enum": ["ultrafast", "superfast", "veryfast"], "default": "ultrafast",
               "description": "x264 preset (always with zerolatency): faster presets cost less CPU and more bits"},
    "threads": {"type": "integer", "minimum": 1, "maximum": 16, "default": 2,
                "description": "Encoder threads (sliced: no added delay)"},
    "bitrate_kbps": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 0,
                     "description": "Starting bitrate when the session asks for none; 0: from the picture size (rate control changes it live)"}
  }
})JSON";

class Encoder final : public telepane::sdk::Encoder {
 public:
  static constexpr tp_pixel_format kInputFormat = TP_PIXEL_FORMAT_I420;
  Encoder(Host host, const tp_video_params& params) : impl_(params, settings(host)) {}
  void encode(const tp_frame& f, const telepane::sdk::PacketSink& sink) override { impl_.encode(f, sink); }
  void request_keyframe() override { impl_.request_keyframe(); }
  void set_bitrate(uint32_t kbps) override { impl_.set_bitrate(kbps); }

 private:
  static th::EncoderSettings settings(Host host) {
    th::EncoderSettings s;
    s.preset = host.config_string("preset").value_or("ultrafast");
    s.threads = int(host.config_int("threads").value_or(2));
    s.bitrate_kbps = uint32_t(host.config_int("bitrate_kbps").value_or(0));
    return s;
  }
  th::X264Encoder impl_;
};

class Decoder final : public telepane::sdk::Decoder {
 public:
  static constexpr tp_pixel_format kOutputFormat = TP_PIXEL_FORMAT_I420;
  Decoder(Host, const tp_video_params&) {}
  void decode(const tp_packet& p, const telepane::sdk::FrameSink& sink) override { impl_.decode(p, sink); }

 private:
  th::AvcodecDecoder impl_;
};

// libavcodec writes its own complaints to stderr; the decoder reports every error through its status instead.
// (av_log's level is the library's own process-wide setting.)
void on_load(Host) {
  av_log_set_level(AV_LOG_QUIET);
}

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.codec.h264", {0, 1, 0})
      .description("H.264: x264 (zerolatency, live bitrate, keyframes on request) and libavcodec")
      .schema(kSchema)
      .flags(TP_PLUGIN_KEEP_LOADED)  // libavcodec's dependencies keep allocations behind when unloaded
      .encoder<Encoder>("h264", 60)
      .decoder<Decoder>("h264", 60)
      .on_load(on_load);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
