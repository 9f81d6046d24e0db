// An object a plugin created (an encoder, a capture, ...), owned on the core side. It destroys the object through
// its plugin's vtable and holds the plugin's library, so the code behind the object stays mapped for as long as
// the object lives, whatever happens to the plugin manager meanwhile.
#pragma once

#include <telepane/abi/tp_capture.h>
#include <telepane/abi/tp_codec.h>
#include <telepane/abi/tp_recorder.h>
#include <telepane/core/plugins/plugin_manager.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace telepane::core::plugins {

// A create() that failed: the plugin's status and message.
class PluginError : public std::runtime_error {
 public:
  PluginError(tp_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  tp_status status() const { return status_; }

 private:
  tp_status status_;
};

template <class Vtbl, class Handle>
class PluginObject {
 public:
  PluginObject(std::shared_ptr<Library> library, const Vtbl* vtable, Handle* handle)
      : library_(std::move(library)), vtable_(vtable), handle_(handle) {}
  PluginObject(PluginObject&& o) noexcept
      : library_(std::move(o.library_)), vtable_(o.vtable_), handle_(std::exchange(o.handle_, nullptr)) {}
  PluginObject& operator=(PluginObject&& o) noexcept {
    if (this != &o) {
      reset();
      library_ = std::move(o.library_);
      vtable_ = o.vtable_;
      handle_ = std::exchange(o.handle_, nullptr);
    }
    return *this;
  }
  PluginObject(const PluginObject&) = delete;
  PluginObject& operator=(const PluginObject&) = delete;
  ~PluginObject() { reset(); }

  const Vtbl* vtable() const { return vtable_; }
  Handle* get() const { return handle_; }

 private:
  void reset() {
    if (handle_ != nullptr) vtable_->destroy(handle_);  // before the library reference goes
    handle_ = nullptr;
    library_.reset();
  }
  std::shared_ptr<Library> library_;
  const Vtbl* vtable_;
  Handle* handle_;
};

using EncoderObject = PluginObject<tp_encoder_vtbl, tp_encoder>;
using DecoderObject = PluginObject<tp_decoder_vtbl, tp_decoder>;
using CaptureObject = PluginObject<tp_capture_vtbl, tp_capture>;
using RecorderObject = PluginObject<tp_recorder_vtbl, tp_recorder>;

// Create through a feature's vtable; throw PluginError with the plugin's own message on failure.
EncoderObject create_encoder(const FeatureRef& feature, const tp_video_params& params);
DecoderObject create_decoder(const FeatureRef& feature, const tp_video_params& params);
CaptureObject create_capture(const FeatureRef& feature, const tp_capture_params& params);
RecorderObject create_recorder(const FeatureRef& feature, const tp_recorder_params& params);

}  // namespace telepane::core::plugins
