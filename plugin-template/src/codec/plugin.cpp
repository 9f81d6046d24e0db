// A video codec plugin. Replace the body of encode()/decode() with your codec; keep the structure.
// This one XORs each BGRA byte with a key from the config: lossless, so the round trip is easy to test.
#include <telepane/sdk/sdk.hpp>

#include <cstring>
#include <vector>

namespace {
using telepane::sdk::Error;
using telepane::sdk::Host;

constexpr const char* kSchema = R"({
  "type": "object",
  "properties": {
    "key": {"type": "integer", "minimum": 0, "maximum": 255, "default": 90, "description": "Byte every pixel byte is XORed with"}
  }
})";

struct Header {  // 8 bytes before the pixels: width and height, big-endian
  static constexpr std::size_t kSize = 8;
  static void write(uint8_t* p, uint32_t w, uint32_t h) {
    for (int i = 0; i < 4; ++i) p[i] = uint8_t(w >> (24 - 8 * i)), p[4 + i] = uint8_t(h >> (24 - 8 * i));
  }
  static void read(const uint8_t* p, uint32_t& w, uint32_t& h) {
    w = h = 0;
    for (int i = 0; i < 4; ++i) w = (w << 8) | p[i], h = (h << 8) | p[4 + i];
  }
};

class Encoder final : public telepane::sdk::Encoder {
 public:
  static constexpr tp_pixel_format kInputFormat = TP_PIXEL_FORMAT_BGRA;

  Encoder(Host host, const tp_video_params&) : key_(uint8_t(host.config_int("key").value_or(90))) {}

  // [encode thread]
  void encode(const tp_frame& f, const telepane::sdk::PacketSink& sink) override {
    if (f.format != TP_PIXEL_FORMAT_BGRA || f.planes[0] == nullptr || f.strides[0] < f.width * 4)
      throw Error(TP_ERR_INVALID_ARGUMENT, "expected a BGRA frame");
    const std::size_t row = std::size_t(f.width) * 4;
    out_.resize(Header::kSize + row * f.height);
    Header::write(out_.data(), f.width, f.height);
    for (uint32_t y = 0; y < f.height; ++y) {
      const uint8_t* src = f.planes[0] + std::size_t(f.strides[0]) * y;
      uint8_t* dst = out_.data() + Header::kSize + row * y;
      for (std::size_t x = 0; x < row; ++x) dst[x] = src[x] ^ key_;
    }
    sink.write(telepane::sdk::packet_for(f, out_.data(), out_.size(), /*keyframe=*/true));
  }

 private:
  uint8_t key_;
  std::vector<uint8_t> out_;
};

class Decoder final : public telepane::sdk::Decoder {
 public:
  static constexpr tp_pixel_format kOutputFormat = TP_PIXEL_FORMAT_BGRA;

  Decoder(Host host, const tp_video_params&) : key_(uint8_t(host.config_int("key").value_or(90))) {}

  // [decode thread] Never trust a packet: check its size against its header before touching the pixels.
  void decode(const tp_packet& p, const telepane::sdk::FrameSink& sink) override {
    uint32_t w = 0, h = 0;
    if (p.data == nullptr || p.size < Header::kSize) throw Error(TP_ERR_PROTOCOL, "packet too short");
    Header::read(p.data, w, h);
    if (w == 0 || h == 0 || w > 16384 || h > 16384 || p.size != Header::kSize + std::size_t(w) * h * 4)
      throw Error(TP_ERR_PROTOCOL, "packet size does not match its header");
    pixels_.resize(p.size - Header::kSize);
    for (std::size_t i = 0; i < pixels_.size(); ++i) pixels_[i] = p.data[Header::kSize + i] ^ key_;
    tp_frame f{};
    f.struct_size = sizeof f;
    f.format = TP_PIXEL_FORMAT_BGRA;
    f.width = w;
    f.height = h;
    f.planes[0] = pixels_.data();
    f.strides[0] = w * 4;
    f.pts_us = p.pts_us;
    f.capture_time_ns = p.capture_time_ns;
    sink.write(f);
  }

 private:
  uint8_t key_;
  std::vector<uint8_t> pixels_;
};

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef(PLUGIN_ID, {0, 1, 0})
      .description("An example codec built from the Telepane plugin template")
      .schema(kSchema)
      .encoder<Encoder>(PLUGIN_NAME, 0)
      .decoder<Decoder>(PLUGIN_NAME, 0);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
