// Telepane SDK: write a video encoder or decoder as a C++ class.
//
//   class MyEncoder : public telepane::sdk::Encoder {
//    public:
//     static constexpr tp_pixel_format kInputFormat = TP_PIXEL_FORMAT_I420;   // what encode() wants
//     MyEncoder(telepane::sdk::Host host, const tp_video_params& params);
//     void encode(const tp_frame& frame, const telepane::sdk::PacketSink& sink) override;
//   };
//   class MyDecoder : public telepane::sdk::Decoder {
//     static constexpr tp_pixel_format kOutputFormat = TP_PIXEL_FORMAT_BGRA;  // what decode() writes
//     MyDecoder(Host, const tp_video_params&); void decode(...) override; };
//   ... PluginDef(...).encoder<MyEncoder>("name", rank).decoder<MyDecoder>("name", rank)
//
// The default probe() creates the encoder and encodes one real (generated) frame; a class may provide its own
// `static void probe(Host, const tp_video_params&)`.
#pragma once

#include <telepane/abi/tp_codec.h>
#include <telepane/sdk/host.hpp>
#include <telepane/sdk/media.hpp>

#include <memory>

namespace telepane::sdk {

// A packet of `size` bytes at `data` that carries `frame`'s timing and size, for an encoder to hand its sink.
inline tp_packet packet_for(const tp_frame& frame, const uint8_t* data, std::size_t size, bool keyframe) {
  tp_packet p{};
  p.struct_size = sizeof p;
  p.data = data;
  p.size = size;
  p.pts_us = frame.pts_us;
  p.capture_time_ns = frame.capture_time_ns;
  p.keyframe = keyframe ? 1 : 0;
  p.width = frame.width;
  p.height = frame.height;
  return p;
}

// Where encode() writes packets; a failing sink throws Error.
class PacketSink {
 public:
  explicit PacketSink(const tp_packet_sink* sink) : sink_(sink) {}
  void write(const tp_packet& p) const {
    tp_status s = sink_->write(sink_->user, &p);
    if (s != TP_OK) throw Error(s, std::string("packet sink: ") + status_name(s));
  }

 private:
  const tp_packet_sink* sink_;
};

class FrameSink {
 public:
  explicit FrameSink(const tp_frame_sink* sink) : sink_(sink) {}
  void write(const tp_frame& f) const {
    tp_status s = sink_->write(sink_->user, &f);
    if (s != TP_OK) throw Error(s, std::string("frame sink: ") + status_name(s));
  }

 private:
  const tp_frame_sink* sink_;
};

class Encoder {
 public:
  virtual ~Encoder() = default;
  virtual void encode(const tp_frame& frame, const PacketSink& sink) = 0;  // [encode thread]
  virtual void request_keyframe() {}                                       // [any thread]
  virtual void set_bitrate(uint32_t /*kbps*/) {}                           // [any thread]
};

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void decode(const tp_packet& packet, const FrameSink& sink) = 0;  // [decode thread]
};

namespace detail {
template <class T, class = void>
struct has_encoder_probe : std::false_type {};
template <class T>
struct has_encoder_probe<T,
                         std::void_t<decltype(T::probe(std::declval<Host>(), std::declval<const tp_video_params&>()))>>
    : std::true_type {};

template <class T>
struct EncoderAdapter {
  static T* self(tp_encoder* e) { return reinterpret_cast<T*>(e); }
  static tp_status probe(const tp_host* host, const tp_video_params* params, tp_error* err) {
    return guard(err, [&] {
      if (params == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null params");
      if constexpr (has_encoder_probe<T>::value) {
        T::probe(Host(host), *params);
      } else {
        T enc(Host(host), *params);
        FrameBuffer frame(params->format, params->width, params->height);
        for (std::size_t i = 0; i < frame.bytes().size(); ++i) frame.bytes()[i] = static_cast<uint8_t>(i * 7);
        std::size_t packets = 0;
        tp_packet_sink sink{&packets, [](void* u, const tp_packet* p) -> tp_status {
                              if (p->size > 0) ++*static_cast<std::size_t*>(u);
                              return TP_OK;
                            }};
        tp_frame view = frame.view();
        enc.encode(view, PacketSink(&sink));
        if (packets == 0) throw Error(TP_ERR_UNSUPPORTED, "probe: the encoder produced no packet for a frame");
      }
    });
  }
  static tp_status create(const tp_host* host, const tp_video_params* params, tp_encoder** out, tp_error* err) {
    return guard(err, [&] {
      if (params == nullptr || out == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
      auto obj = std::make_unique<T>(Host(host), *params);
      *out = reinterpret_cast<tp_encoder*>(obj.release());
    });
  }
  static tp_status encode(tp_encoder* e, const tp_frame* frame, const tp_packet_sink* sink, tp_error* err) {
    return guard(err, [&] {
      if (frame == nullptr || sink == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
      self(e)->encode(*frame, PacketSink(sink));
    });
  }
  static tp_status request_keyframe(tp_encoder* e) {
    return guard(nullptr, [&] { self(e)->request_keyframe(); });
  }
  static tp_status set_bitrate(tp_encoder* e, uint32_t kbps) {
    return guard(nullptr, [&] { self(e)->set_bitrate(kbps); });
  }
  static void destroy(tp_encoder* e) { std::unique_ptr<T>(self(e)).reset(); }
};

template <class T>
struct DecoderAdapter {
  static T* self(tp_decoder* d) { return reinterpret_cast<T*>(d); }
  static tp_status create(const tp_host* host, const tp_video_params* params, tp_decoder** out, tp_error* err) {
    return guard(err, [&] {
      if (params == nullptr || out == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
      auto obj = std::make_unique<T>(Host(host), *params);
      *out = reinterpret_cast<tp_decoder*>(obj.release());
    });
  }
  static tp_status decode(tp_decoder* d, const tp_packet* packet, const tp_frame_sink* sink, tp_error* err) {
    return guard(err, [&] {
      if (packet == nullptr || sink == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
      self(d)->decode(*packet, FrameSink(sink));
    });
  }
  static void destroy(tp_decoder* d) { std::unique_ptr<T>(self(d)).reset(); }
};
}  // namespace detail

template <class T>
const tp_encoder_vtbl* encoder_vtable() {
  using A = detail::EncoderAdapter<T>;
  static const tp_encoder_vtbl vtbl = {sizeof(tp_encoder_vtbl), T::kInputFormat, A::probe,  A::create, A::encode,
                                       A::request_keyframe,     A::set_bitrate,  A::destroy};
  return &vtbl;
}

template <class T>
const tp_decoder_vtbl* decoder_vtable() {
  using A = detail::DecoderAdapter<T>;
  static const tp_decoder_vtbl vtbl = {sizeof(tp_decoder_vtbl), T::kOutputFormat, A::create, A::decode, A::destroy};
  return &vtbl;
}

}  // namespace telepane::sdk
