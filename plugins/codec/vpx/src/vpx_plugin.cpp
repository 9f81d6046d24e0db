// codec plugin "vpx": VP9 and VP8 encoders and decoders on libvpx (see vpx_codec.hpp for the tuning).
#include "vpx_codec.hpp"

namespace {
using telepane::sdk::Host;
namespace tv = telepane::vpx;

constexpr const char* kSchema = R"JSON({
  "type": "object",
  "properties": {
    "speed": {"type": "integer", "minimum": 5, "maximum": 9, "default": 8,
              "description": "Encoder speed (libvpx cpu-used): higher is faster and a little less sharp"},
    "threads": {"type": "integer", "minimum": 1, "maximum": 16, "default": 2,
                "description": "Encoder threads"},
    "bitrate_kbps": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 0,
                     "description": "Starting bitrate when the session asks for none; 0: from the picture size (rate control changes it live)"}
  }
})JSON";

tv::EncoderSettings settings(Host host) {
  tv::EncoderSettings s;
  s.speed = int(host.config_int("speed").value_or(8));
  s.threads = int(host.config_int("threads").value_or(2));
  s.bitrate_kbps = uint32_t(host.config_int("bitrate_kbps").value_or(0));
  return s;
}

template <tv::Codec C>
class Encoder final : public telepane::sdk::Encoder {
 public:
  static constexpr tp_pixel_format kInputFormat = TP_PIXEL_FORMAT_I420;
  Encoder(Host host, const tp_video_params& params) : impl_(C, params, settings(host)) {}
  void encode(const tp_frame& f, const telepane::sdk::PacketSink& sink) override { impl_.encode(f, sink); }
  void request_keyframe() override { impl_.request_keyframe(); }
  void set_bitrate(uint32_t kbps) override { impl_.set_bitrate(kbps); }

 private:
  tv::VpxEncoder impl_;
};

template <tv::Codec C>
class Decoder final : public telepane::sdk::Decoder {
 public:
  static constexpr tp_pixel_format kOutputFormat = TP_PIXEL_FORMAT_I420;
  Decoder(Host, const tp_video_params&) : impl_(C) {}
  void decode(const tp_packet& p, const telepane::sdk::FrameSink& sink) override { impl_.decode(p, sink); }

 private:
  tv::VpxDecoder impl_;
};

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.codec.vpx", {0, 1, 0})
      .description("VP9 and VP8 (libvpx): realtime, screen content, live bitrate, keyframes on request")
      .schema(kSchema)
      .encoder<Encoder<tv::Codec::VP9>>("vp9", 50)
      .decoder<Decoder<tv::Codec::VP9>>("vp9", 50)
      .encoder<Encoder<tv::Codec::VP8>>("vp8", 30)
      .decoder<Decoder<tv::Codec::VP8>>("vp8", 30);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
