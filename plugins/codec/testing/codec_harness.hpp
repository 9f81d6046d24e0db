// What the codec plugin tests share: features looked up in the plugin linked into the test, screen-like I420
// pictures, encoder and decoder wrappers over the vtables, and PSNR.
#pragma once

#include <telepane/abi/tp_codec.h>
#include <telepane/abi/tp_plugin.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

extern "C" const tp_plugin_desc* tp_plugin_entry(uint16_t, uint16_t);

namespace telepane::test {
template <class Vtbl>
inline const Vtbl* feature(tp_kind kind, const std::string& name) {
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

inline double psnr(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  REQUIRE(a.size() == b.size());
  double se = 0;
  for (std::size_t i = 0; i < a.size(); ++i) se += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
  if (se == 0) return 99;
  return 10 * std::log10(255.0 * 255.0 / (se / double(a.size())));
}

inline std::size_t bytes(const std::vector<Packet>& ps) {
  std::size_t n = 0;
  for (auto& p : ps) n += p.data.size();
  return n;
}
}  // namespace telepane::test
