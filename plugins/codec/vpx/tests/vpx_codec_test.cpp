// VP9 and VP8 through the plugin's vtables: screen-like content round-trips sharply (PSNR >= 35 dB), an unchanged
// screen costs almost nothing (VP9), keyframes come only when asked for, the bitrate changes live, a new picture
// size is followed, and a corrupt packet is refused until the next keyframe.
#include <catch2/catch.hpp>
#include <telepane/fakes/fake_host.hpp>
#include <telepane/sdk/sdk.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

extern "C" const tp_plugin_desc* tp_plugin_entry(uint16_t, uint16_t);

namespace {
template <class Vtbl>
const Vtbl* feature(tp_kind kind, const std::string& name) {
  const tp_plugin_desc* d = tp_plugin_entry(TP_ABI_MAJOR, TP_ABI_MINOR);
  for (uint32_t i = 0; i < d->feature_count; ++i)
    if (d->features[i].kind == kind && name == d->features[i].name)
      return static_cast<const Vtbl*>(d->features[i].vtable);
  FAIL("no feature " << name);
  return nullptr;
}

// Screen-like I420 content: white background, rows of dark "glyphs" that scroll by `scroll` rows, and a coloured
// box that moves with `t`.
struct Picture {
  uint32_t w, h;
  std::vector<uint8_t> y, u, v;
  Picture(uint32_t width, uint32_t height, int t, int scroll = 0)
      : w(width), h(height), y(std::size_t(w) * h), u(std::size_t(w / 2) * (h / 2)), v(u.size()) {
    for (uint32_t r = 0; r < h; ++r)
      for (uint32_t c = 0; c < w; ++c) {
        const uint32_t rr = r + uint32_t(scroll);
        const bool line = (rr % 16) >= 4 && (rr % 16) < 12;
        const bool glyph = ((c / 6) * 7 + (rr / 16) * 13) % 5 != 0 && (c % 6) < 4;
        y[std::size_t(r) * w + c] = line && glyph ? 30 : 235;
      }
    std::fill(u.begin(), u.end(), 128);
    std::fill(v.begin(), v.end(), 128);
    const uint32_t bx = uint32_t(t * 7) % (w / 2 - 40), by = uint32_t(t * 3) % (h / 2 - 40);
    for (uint32_t r = by; r < by + 32; ++r)
      for (uint32_t c = bx; c < bx + 32; ++c) {
        u[std::size_t(r) * (w / 2) + c] = 60;
        v[std::size_t(r) * (w / 2) + c] = 200;
        y[std::size_t(r * 2) * w + c * 2] = 120;
      }
  }
  tp_frame frame(int64_t pts_us) const {
    tp_frame f{};
    f.struct_size = sizeof f;
    f.format = TP_PIXEL_FORMAT_I420;
    f.width = w;
    f.height = h;
    f.planes[0] = y.data();
    f.planes[1] = u.data();
    f.planes[2] = v.data();
    f.strides[0] = w;
    f.strides[1] = f.strides[2] = w / 2;
    f.pts_us = pts_us;
    return f;
  }
};

struct Packet {
  std::vector<uint8_t> data;
  bool keyframe;
  uint32_t width, height;
  tp_packet view() const {
    tp_packet p{};
    p.struct_size = sizeof p;
    p.data = data.data();
    p.size = data.size();
    p.keyframe = keyframe ? 1 : 0;
    p.width = width;
    p.height = height;
    return p;
  }
};

struct Encoder {
  const tp_encoder_vtbl* vt;
  tp_encoder* e = nullptr;
  Encoder(const tp_host* host, const std::string& codec, uint32_t w, uint32_t h, uint32_t kbps)
      : vt(feature<tp_encoder_vtbl>(TP_KIND_ENCODER, codec)) {
    tp_video_params params{sizeof(tp_video_params), w, h, 30, kbps, TP_PIXEL_FORMAT_I420};
    tp_error err{};
    REQUIRE(vt->create(host, &params, &e, &err) == TP_OK);
  }
  ~Encoder() { vt->destroy(e); }
  std::vector<Packet> encode(const tp_frame& f) {
    std::vector<Packet> out;
    tp_packet_sink sink{&out, [](void* u, const tp_packet* p) -> tp_status {
                          static_cast<std::vector<Packet>*>(u)->push_back(
                              {{p->data, p->data + p->size}, p->keyframe == 1, p->width, p->height});
                          return TP_OK;
                        }};
    tp_error err{};
    REQUIRE(vt->encode(e, &f, &sink, &err) == TP_OK);
    return out;
  }
};

struct Decoded {
  uint32_t w = 0, h = 0;
  std::vector<uint8_t> y;
};

struct Decoder {
  const tp_decoder_vtbl* vt;
  tp_decoder* d = nullptr;
  Decoder(const tp_host* host, const std::string& codec) : vt(feature<tp_decoder_vtbl>(TP_KIND_DECODER, codec)) {
    tp_video_params params{sizeof(tp_video_params), 0, 0, 30, 0, TP_PIXEL_FORMAT_I420};
    tp_error err{};
    REQUIRE(vt->create(host, &params, &d, &err) == TP_OK);
  }
  ~Decoder() { vt->destroy(d); }
  tp_status decode(const Packet& p, Decoded& out, std::string* why = nullptr) {
    tp_frame_sink sink{&out, [](void* u, const tp_frame* f) -> tp_status {
                         auto& o = *static_cast<Decoded*>(u);
                         o.w = f->width;
                         o.h = f->height;
                         o.y.clear();
                         for (uint32_t r = 0; r < f->height; ++r)
                           o.y.insert(o.y.end(), f->planes[0] + std::size_t(f->strides[0]) * r,
                                      f->planes[0] + std::size_t(f->strides[0]) * r + f->width);
                         return TP_OK;
                       }};
    tp_error err{};
    const tp_packet view = p.view();
    const tp_status s = vt->decode(d, &view, &sink, &err);
    if (why) *why = err.message;
    return s;
  }
};

double psnr(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  REQUIRE(a.size() == b.size());
  double se = 0;
  for (std::size_t i = 0; i < a.size(); ++i) se += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
  if (se == 0) return 99;
  return 10 * std::log10(255.0 * 255.0 / (se / double(a.size())));
}

std::size_t bytes(const std::vector<Packet>& ps) {
  std::size_t n = 0;
  for (auto& p : ps) n += p.data.size();
  return n;
}
}  // namespace

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
