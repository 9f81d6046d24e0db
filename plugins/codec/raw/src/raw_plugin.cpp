// codec plugin "raw": lossless BGRA frames in a checked envelope. The reference codec: exact, and cheap on
// loopback; every lossy codec is judged against it.
#include "raw_format.hpp"

#include <telepane/sdk/sdk.hpp>

#include <cstring>
#include <vector>

namespace {
using telepane::sdk::Error;
using telepane::sdk::Host;

class RawEncoder final : public telepane::sdk::Encoder {
 public:
  static constexpr tp_pixel_format kInputFormat = TP_PIXEL_FORMAT_BGRA;

  RawEncoder(Host, const tp_video_params& params) {
    if (params.format != TP_PIXEL_FORMAT_BGRA) throw Error(TP_ERR_UNSUPPORTED, "raw encodes BGRA frames only");
  }

  void encode(const tp_frame& f, const telepane::sdk::PacketSink& sink) override {
    if (f.format != TP_PIXEL_FORMAT_BGRA || f.planes[0] == nullptr || f.width == 0 || f.height == 0 ||
        f.width > telepane::raw::kMaxSide || f.height > telepane::raw::kMaxSide || f.strides[0] < f.width * 4)
      throw Error(TP_ERR_INVALID_ARGUMENT, "raw: not a valid BGRA frame");
    const std::size_t row = std::size_t(f.width) * 4;
    buffer_.resize(telepane::raw::kHeaderSize + row * f.height);
    telepane::raw::write_header(buffer_.data(), {f.width, f.height, 1});
    for (uint32_t y = 0; y < f.height; ++y)
      std::memcpy(buffer_.data() + telepane::raw::kHeaderSize + row * y, f.planes[0] + std::size_t(f.strides[0]) * y,
                  row);
    sink.write(telepane::sdk::packet_for(f, buffer_.data(), buffer_.size(), /*keyframe=*/true));
  }

 private:
  std::vector<uint8_t> buffer_;
};

class RawDecoder final : public telepane::sdk::Decoder {
 public:
  static constexpr tp_pixel_format kOutputFormat = TP_PIXEL_FORMAT_BGRA;

  RawDecoder(Host, const tp_video_params&) {}

  void decode(const tp_packet& p, const telepane::sdk::FrameSink& sink) override {
    telepane::raw::Header h;
    if (std::string why = telepane::raw::parse(p.data, p.size, h); !why.empty()) throw Error(TP_ERR_PROTOCOL, why);
    tp_frame f{};
    f.struct_size = sizeof f;
    f.format = TP_PIXEL_FORMAT_BGRA;
    f.width = h.width;
    f.height = h.height;
    f.planes[0] = p.data + telepane::raw::kHeaderSize;  // zero-copy: valid for the duration of the sink call
    f.strides[0] = h.width * 4;
    f.pts_us = p.pts_us;
    f.capture_time_ns = p.capture_time_ns;
    sink.write(f);
  }
};

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.codec.raw", {0, 1, 0})
      .description("Lossless raw BGRA frames: the reference codec")
      .encoder<RawEncoder>("raw", 0)
      .decoder<RawDecoder>("raw", 0);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
