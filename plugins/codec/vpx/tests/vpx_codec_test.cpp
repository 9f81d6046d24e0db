// VP9 and VP8 through the plugin's vtables: screen-like content round-trips sharply (PSNR >= 35 dB), an unchanged
// screen costs almost nothing (VP9), keyframes come only when asked for, the bitrate changes live, a new picture
// size is followed, and a corrupt packet is refused until the next keyframe.
#include "../../testing/codec_harness.hpp"

#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

using namespace telepane::test;

TEST_CASE("vp9 and vp8: scrolling text and a moving box round-trip sharp, and keyframes come only when asked") {
  telepane::fakes::FakeHost host;
  for (const std::string codec : {"vp9", "vp8"}) {
    INFO(codec);
    Encoder enc(host.table(), codec, 640, 360, 3000);
    Decoder dec(host.table(), codec);
    double worst = 99;
    int keyframes = 0;
    for (int t = 0; t < 60; ++t) {
      const Picture pic(640, 360, t, t / 4);
      for (auto& p : enc.encode(pic.frame(t * 33333))) {
        keyframes += p.keyframe ? 1 : 0;
        Decoded out;
        REQUIRE(dec.decode(p, out) == TP_OK);
        REQUIRE(out.w == 640);
        if (t >= 10) worst = std::min(worst, psnr(out.y, pic.y));
      }
    }
    CHECK(keyframes == 1);
    INFO("worst PSNR " << worst);
    CHECK(worst >= 35.0);
    enc.vt->request_keyframe(enc.e);
    auto next = enc.encode(Picture(640, 360, 61, 15).frame(61 * 33333));
    REQUIRE(!next.empty());
    CHECK(next[0].keyframe);
  }
}

// VP8 under CBR keeps refining an unchanged picture for longer; the pipeline sends no frame at all for an
// unchanged screen, so this is about the frames around a change.
TEST_CASE("vp9: an unchanged screen costs almost nothing after it settles") {
  telepane::fakes::FakeHost host;
  for (const std::string codec : {"vp9"}) {
    INFO(codec);
    Encoder enc(host.table(), codec, 640, 360, 3000);
    const Picture still(640, 360, 0);
    const std::size_t first = bytes(enc.encode(still.frame(0)));
    for (int t = 1; t < 30; ++t) enc.encode(still.frame(t * 33333));  // quality settles
    std::size_t later = 0;
    for (int t = 30; t < 60; ++t) later += bytes(enc.encode(still.frame(t * 33333)));
    INFO("keyframe " << first << " bytes, 30 unchanged frames " << later << " bytes");
    CHECK(later < first / 5);
  }
}

TEST_CASE("vp9: a lower bitrate set live makes smaller packets, and a new picture size is followed") {
  telepane::fakes::FakeHost host;
  Encoder enc(host.table(), "vp9", 640, 360, 6000);
  Decoder dec(host.table(), "vp9");
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
  CHECK(resized[0].width == 320);
  Decoded out;
  REQUIRE(dec.decode(resized[0], out) == TP_OK);
  CHECK(out.w == 320);
  CHECK(out.h == 240);
}

TEST_CASE("vp9 and vp8: a corrupt packet is refused, later ones wait for a keyframe, which recovers") {
  telepane::fakes::FakeHost host;
  for (const std::string codec : {"vp9", "vp8"}) {
    INFO(codec);
    Encoder enc(host.table(), codec, 320, 240, 1000);
    Decoder dec(host.table(), codec);
    Decoded out;
    for (int t = 0; t < 5; ++t)
      for (auto& p : enc.encode(Picture(320, 240, t, t).frame(t * 33333))) REQUIRE(dec.decode(p, out) == TP_OK);
    auto broken = enc.encode(Picture(320, 240, 5, 5).frame(5 * 33333)).at(0);
    broken.data.resize(std::min<std::size_t>(broken.data.size(), 3));  // cut short
    std::string why;
    CHECK(dec.decode(broken, out, &why) == TP_ERR_PROTOCOL);
    CHECK_THAT(why, Catch::StartsWith(codec + ": corrupt packet"));
    auto next = enc.encode(Picture(320, 240, 6, 6).frame(6 * 33333)).at(0);
    CHECK(dec.decode(next, out, &why) == TP_ERR_PROTOCOL);
    CHECK(why == codec + ": waiting for a keyframe");
    enc.vt->request_keyframe(enc.e);
    const Picture seven(320, 240, 7, 7);
    auto key = enc.encode(seven.frame(7 * 33333)).at(0);
    REQUIRE(key.keyframe);
    REQUIRE(dec.decode(key, out) == TP_OK);
    CHECK(psnr(out.y, seven.y) > 30);
    // Garbage that claims to be a keyframe is refused too, without a crash.
    Packet garbage{std::vector<uint8_t>(500, 0xA5), true, 320, 240};
    CHECK(dec.decode(garbage, out) == TP_ERR_PROTOCOL);
  }
}

TEST_CASE("encoders refuse what they cannot encode, and probe encodes a real frame") {
  telepane::fakes::FakeHost host;
  for (const std::string codec : {"vp9", "vp8"}) {
    const auto* vt = feature<tp_encoder_vtbl>(TP_KIND_ENCODER, codec);
    CHECK(vt->input_format == TP_PIXEL_FORMAT_I420);
    tp_video_params bgra{sizeof(tp_video_params), 64, 64, 30, 0, TP_PIXEL_FORMAT_BGRA};
    tp_encoder* e = nullptr;
    tp_error err{};
    CHECK(vt->create(host.table(), &bgra, &e, &err) == TP_ERR_UNSUPPORTED);
    tp_video_params ok{sizeof(tp_video_params), 160, 120, 30, 0, TP_PIXEL_FORMAT_I420};
    CHECK(vt->probe(host.table(), &ok, &err) == TP_OK);
  }
}
