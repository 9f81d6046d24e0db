#include "raw_format.hpp"

#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <cstring>
#include <string>
#include <vector>

extern "C" const tp_plugin_desc* tp_plugin_entry(uint16_t, uint16_t);

namespace {
struct Codec {
  const tp_encoder_vtbl* enc = nullptr;
  const tp_decoder_vtbl* dec = nullptr;
};
Codec codec() {
  const tp_plugin_desc* d = tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR);
  REQUIRE(d != nullptr);
  Codec c;
  for (uint32_t i = 0; i < d->feature_count; ++i) {
    if (d->features[i].kind == TP_KIND_ENCODER) c.enc = static_cast<const tp_encoder_vtbl*>(d->features[i].vtable);
    if (d->features[i].kind == TP_KIND_DECODER) c.dec = static_cast<const tp_decoder_vtbl*>(d->features[i].vtable);
  }
  REQUIRE(c.enc != nullptr);
  REQUIRE(c.dec != nullptr);
  return c;
}

std::vector<uint8_t> encode(const Codec& c, const tp_host* host, const tp_frame& f) {
  tp_video_params params{sizeof(tp_video_params), f.width, f.height, 30, 0, TP_PIXEL_FORMAT_BGRA};
  tp_error err{};
  tp_encoder* e = nullptr;
  REQUIRE(c.enc->create(host, &params, &e, &err) == TP_OK);
  std::vector<uint8_t> out;
  tp_packet_sink sink{&out, [](void* u, const tp_packet* p) -> tp_status {
                        CHECK(p->keyframe == 1);
                        static_cast<std::vector<uint8_t>*>(u)->assign(p->data, p->data + p->size);
                        return TP_OK;
                      }};
  REQUIRE(c.enc->encode(e, &f, &sink, &err) == TP_OK);
  c.enc->destroy(e);
  return out;
}

// Decodes into tightly packed BGRA; returns the status and leaves the message in *err.
tp_status decode(const Codec& c, const tp_host* host, const std::vector<uint8_t>& packet, std::vector<uint8_t>& pixels,
                 tp_error* err) {
  tp_video_params params{sizeof(tp_video_params), 0, 0, 30, 0, TP_PIXEL_FORMAT_BGRA};
  tp_decoder* d = nullptr;
  REQUIRE(c.dec->create(host, &params, &d, err) == TP_OK);
  tp_frame_sink sink{&pixels, [](void* u, const tp_frame* f) -> tp_status {
                       auto& px = *static_cast<std::vector<uint8_t>*>(u);
                       px.clear();
                       for (uint32_t y = 0; y < f->height; ++y)
                         px.insert(px.end(), f->planes[0] + std::size_t(f->strides[0]) * y,
                                   f->planes[0] + std::size_t(f->strides[0]) * y + f->width * 4);
                       return TP_OK;
                     }};
  tp_packet p{sizeof(tp_packet), packet.data(), packet.size(), 0, 0, 1, 0, 0};
  tp_status s = c.dec->decode(d, &p, &sink, err);
  c.dec->destroy(d);
  return s;
}
}  // namespace

TEST_CASE("raw frames round-trip bit-exact, whatever the source stride") {
  telepane::fakes::FakeHost host;
  const Codec c = codec();
  tp_error err{};
  tp_video_params params{sizeof(tp_video_params), 256, 144, 30, 0, c.enc->input_format};
  REQUIRE(c.enc->probe(host.table(), &params, &err) == TP_OK);

  const uint32_t w = 33, h = 17, stride = w * 4 + 12;  // padded rows, as X11 images have
  std::vector<uint8_t> src(std::size_t(stride) * h);
  for (std::size_t i = 0; i < src.size(); ++i) src[i] = uint8_t(i * 13 + 5);
  tp_frame f{};
  f.struct_size = sizeof f;
  f.format = TP_PIXEL_FORMAT_BGRA;
  f.width = w;
  f.height = h;
  f.planes[0] = src.data();
  f.strides[0] = stride;
  const auto packet = encode(c, host.table(), f);
  CHECK(packet.size() == telepane::raw::kHeaderSize + std::size_t(w) * h * 4);

  std::vector<uint8_t> pixels;
  REQUIRE(decode(c, host.table(), packet, pixels, &err) == TP_OK);
  for (uint32_t y = 0; y < h; ++y)
    REQUIRE(std::memcmp(pixels.data() + std::size_t(y) * w * 4, src.data() + std::size_t(y) * stride, w * 4) == 0);
}

TEST_CASE("corrupt raw packets are refused with a reason") {
  telepane::fakes::FakeHost host;
  const Codec c = codec();
  telepane::sdk::FrameBuffer frame(TP_PIXEL_FORMAT_BGRA, 8, 8);
  const auto good = encode(c, host.table(), frame.view());
  std::vector<uint8_t> pixels;
  tp_error err{};

  auto bad = good;
  bad.pop_back();
  CHECK(decode(c, host.table(), bad, pixels, &err) == TP_ERR_PROTOCOL);
  CHECK(std::string(err.message) == "raw packet of 271 bytes, expected 272");

  bad = good;
  bad[0] = 'X';
  CHECK(decode(c, host.table(), bad, pixels, &err) == TP_ERR_PROTOCOL);
  CHECK(std::string(err.message) == "raw packet has a bad magic");

  bad = good;
  bad[4] = 0xff;  // width 4278190088: would be a 16 GiB frame
  CHECK(decode(c, host.table(), bad, pixels, &err) == TP_ERR_PROTOCOL);
  CHECK(std::string(err.message).find("out of range") != std::string::npos);

  bad.assign(good.begin(), good.begin() + 5);
  CHECK(decode(c, host.table(), bad, pixels, &err) == TP_ERR_PROTOCOL);
  CHECK(std::string(err.message) == "raw packet shorter than its 16-byte header");
}

TEST_CASE("the raw encoder refuses frames it cannot take") {
  telepane::fakes::FakeHost host;
  const Codec c = codec();
  tp_error err{};
  tp_encoder* e = nullptr;
  tp_video_params i420{sizeof(tp_video_params), 64, 64, 30, 0, TP_PIXEL_FORMAT_I420};
  CHECK(c.enc->create(host.table(), &i420, &e, &err) == TP_ERR_UNSUPPORTED);
  CHECK(std::string(err.message) == "raw encodes BGRA frames only");
}
