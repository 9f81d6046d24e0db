// Telepane SDK: write a capture backend as a C++ class.
//
//   class MyCapture : public telepane::sdk::Capture {
//    public:
//     MyCapture(telepane::sdk::Host host, const tp_capture_params& params);   // throws sdk::Error on failure
//     bool grab(int64_t timeout_us, tp_frame& frame) override;  // false = nothing changed within the timeout
//     static void probe(telepane::sdk::Host host);              // optional: default creates one and grabs
//     bool cursor(tp_cursor& out) override;                     // optional: false = cannot see the pointer
//   };
//   ... PluginDef(...).capture<MyCapture>("name", rank)
#pragma once

#include <telepane/abi/tp_capture.h>
#include <telepane/sdk/host.hpp>

#include <memory>

namespace telepane::sdk {

class Capture {
 public:
  virtual ~Capture() = default;
  // [capture thread] Fill `frame` (struct_size is preset); its memory must stay valid until the next grab or
  // destruction. Return false when nothing changed within timeout_us.
  virtual bool grab(int64_t timeout_us, tp_frame& frame) = 0;
  // [capture thread] The pointer's position and shape now (struct_size is preset; pixels stay valid until the next
  // call). False when this capture cannot see the pointer.
  virtual bool cursor(tp_cursor&) { return false; }
};

namespace detail {
template <class T, class = void>
struct has_capture_probe : std::false_type {};
template <class T>
struct has_capture_probe<T, std::void_t<decltype(T::probe(std::declval<Host>()))>> : std::true_type {};

template <class T>
struct CaptureAdapter {
  static T* self(tp_capture* c) { return reinterpret_cast<T*>(c); }
  static tp_status probe(const tp_host* host, tp_error* err) {
    return guard(err, [&] {
      if constexpr (has_capture_probe<T>::value) {
        T::probe(Host(host));
      } else {
        tp_capture_params p{};
        p.struct_size = sizeof p;
        T cap(Host(host), p);
        tp_frame f{};
        f.struct_size = sizeof f;
        // An unchanged screen may not produce a frame at once, but a fresh capture must produce its first one.
        if (!cap.grab(1'000'000, f)) throw Error(TP_ERR_TIMEOUT, "no first frame within 1 s");
      }
    });
  }
  static tp_status create(const tp_host* host, const tp_capture_params* params, tp_capture** out, tp_error* err) {
    return guard(err, [&] {
      if (params == nullptr || out == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
      auto obj = std::make_unique<T>(Host(host), *params);
      *out = reinterpret_cast<tp_capture*>(obj.release());
    });
  }
  static tp_status grab(tp_capture* c, int64_t timeout_us, tp_frame* frame, tp_error* err) {
    tp_status result = TP_OK;
    tp_status s = guard(err, [&] {
      if (frame == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null frame");
      if (!self(c)->grab(timeout_us, *frame)) result = TP_ERR_AGAIN;
    });
    return s != TP_OK ? s : result;
  }
  static void destroy(tp_capture* c) { std::unique_ptr<T>(self(c)).reset(); }
  static tp_status cursor(tp_capture* c, tp_cursor* out, tp_error* err) {
    tp_status result = TP_OK;
    tp_status s = guard(err, [&] {
      if (out == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null cursor");
      if (!self(c)->cursor(*out)) result = TP_ERR_UNSUPPORTED;
    });
    return s != TP_OK ? s : result;
  }
};
}  // namespace detail

// The static vtable for T; lives as long as the library.
template <class T>
const tp_capture_vtbl* capture_vtable() {
  static const tp_capture_vtbl vtbl = {
      sizeof(tp_capture_vtbl),         detail::CaptureAdapter<T>::probe,   detail::CaptureAdapter<T>::create,
      detail::CaptureAdapter<T>::grab, detail::CaptureAdapter<T>::destroy, detail::CaptureAdapter<T>::cursor,
  };
  return &vtbl;
}

}  // namespace telepane::sdk
