// H.264 through the plugin's vtables: screen-like content round-trips sharply (PSNR >= 35 dB), keyframes come only
// when asked for (each carrying its parameter sets, so a decoder can join there), the bitrate changes live, a new
// picture size is followed, and a corrupt packet is refused until the next keyframe.
#include "../../testing/codec_harness.hpp"

#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include "avcodec_decoder.hpp"

using namespace telepane::test;

namespace {
// The plugin's on_load (quiets libavcodec's own logging), as the loader would call it.
struct Loaded {
  telepane::fakes::FakeHost host;
  Loaded() {
    tp_error err{};
    REQUIRE(tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR)->on_load(host.table(), &err) == TP_OK);
  }
};
}  // namespace

TEST_CASE("scrolling text and a moving box round-trip sharp, and keyframes come only when asked") {
  Loaded loaded;
  auto& host = loaded.host;
  Encoder enc(host.table(), "h264", 640, 360, 3000);
  Decoder dec(host.table(), "h264");
  double worst = 99;
  int keyframes = 0;
  for (int t = 0; t < 60; ++t) {
    const Picture pic(640, 360, t, t / 4);
    for (auto& p : enc.encode(pic.frame(t * 33333))) {
      keyframes += p.keyframe ? 1 : 0;
      CHECK(telepane::h264::contains_idr(p.data.data(), p.data.size()) == p.keyframe);
      Decoded out;
      REQUIRE(dec.decode(p, out) == TP_OK);  // one packet in, one picture out: no decoder delay
      REQUIRE(out.w == 640);
      if (t >= 10) worst = std::min(worst, psnr(out.y, pic.y));
    }
  }
  INFO("worst PSNR " << worst);
  CHECK(keyframes == 1);
  CHECK(worst >= 35.0);
  enc.vt->request_keyframe(enc.e);
  auto next = enc.encode(Picture(640, 360, 61, 15).frame(61 * 33333));
  REQUIRE(!next.empty());
  CHECK(next[0].keyframe);
  // A second decoder joins at that keyframe.
  Decoder late(host.table(), "h264");
  Decoded out;
  CHECK(late.decode(next[0], out) == TP_OK);
}

TEST_CASE("a lower bitrate set live makes smaller packets, and a new picture size is followed") {
  Loaded loaded;
  auto& host = loaded.host;
  Encoder enc(host.table(), "h264", 640, 360, 6000);
  Decoder dec(host.table(), "h264");
  std::size_t high = 0, low = 0;
  for (int t = 0; t < 40; ++t) high += t >= 10 ? bytes(enc.encode(Picture(640, 360, t, t).frame(t * 33333))) : 0;
  enc.vt->set_bitrate(enc.e, 300);
  for (int t = 40; t < 80; ++t) {
    auto ps = enc.encode(Picture(640, 360, t, t).frame(t * 33333));
    if (t >= 50) low += bytes(ps);
  }
  INFO("6000 kbps: " << high << " bytes, 300 kbps: " << low << " bytes");
  CHECK(low * 2 < high);

  auto resized = enc.encode(Picture(320, 240, 81).frame(81 * 33333));
  REQUIRE(!resized.empty());
  CHECK(resized[0].keyframe);
  Decoded out;
  REQUIRE(dec.decode(resized[0], out) == TP_OK);
  CHECK(out.w == 320);
  CHECK(out.h == 240);
}

TEST_CASE("a corrupt packet is refused, later ones wait for a keyframe, which recovers") {
  Loaded loaded;
  auto& host = loaded.host;
  Encoder enc(host.table(), "h264", 320, 240, 1000);
  Decoder dec(host.table(), "h264");
  Decoded out;
  for (int t = 0; t < 5; ++t)
    for (auto& p : enc.encode(Picture(320, 240, t, t).frame(t * 33333))) REQUIRE(dec.decode(p, out) == TP_OK);
  auto broken = enc.encode(Picture(320, 240, 5, 5).frame(5 * 33333)).at(0);
  for (std::size_t i = 8; i < broken.data.size(); i += 3) broken.data[i] ^= 0x5a;  // garbled slice data
  std::string why;
  CHECK(dec.decode(broken, out, &why) == TP_ERR_PROTOCOL);
  CHECK_THAT(why, Catch::StartsWith("h264: corrupt packet"));
  auto next = enc.encode(Picture(320, 240, 6, 6).frame(6 * 33333)).at(0);
  CHECK(dec.decode(next, out, &why) == TP_ERR_PROTOCOL);
  CHECK(why == "h264: waiting for a keyframe");
  enc.vt->request_keyframe(enc.e);
  auto key = enc.encode(Picture(320, 240, 7, 7).frame(7 * 33333)).at(0);
  REQUIRE(key.keyframe);
  REQUIRE(dec.decode(key, out) == TP_OK);
  // The keyframe is squeezed into about two frames' worth of bits (no backlog); the picture sharpens after it.
  const Picture still(320, 240, 8, 8);
  for (int t = 8; t < 30; ++t)
    for (auto& p : enc.encode(still.frame(t * 33333))) REQUIRE(dec.decode(p, out) == TP_OK);
  CHECK(psnr(out.y, still.y) > 30);
  // Garbage without an IDR is refused without a crash, and so is an empty packet.
  Packet garbage{std::vector<uint8_t>(500, 0xA5), true, 320, 240};
  CHECK(dec.decode(garbage, out) == TP_ERR_PROTOCOL);
}

TEST_CASE("the encoder refuses what it cannot encode, and probe encodes a real frame") {
  Loaded loaded;
  auto& host = loaded.host;
  const auto* vt = feature<tp_encoder_vtbl>(TP_KIND_ENCODER, "h264");
  CHECK(vt->input_format == TP_PIXEL_FORMAT_I420);
  tp_video_params bgra{sizeof(tp_video_params), 64, 64, 30, 0, TP_PIXEL_FORMAT_BGRA};
  tp_encoder* e = nullptr;
  tp_error err{};
  CHECK(vt->create(host.table(), &bgra, &e, &err) == TP_ERR_UNSUPPORTED);
  tp_video_params ok{sizeof(tp_video_params), 160, 120, 30, 0, TP_PIXEL_FORMAT_I420};
  CHECK(vt->probe(host.table(), &ok, &err) == TP_OK);
}
