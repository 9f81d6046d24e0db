#include <telepane/core/plugins/plugin_object.hpp>

namespace telepane::core::plugins {
namespace {
template <class Vtbl, class Handle, class Params>
PluginObject<Vtbl, Handle> create(const FeatureRef& f, tp_kind kind, const Params& params) {
  if (f.feature == nullptr || f.feature->kind != kind)
    throw PluginError(TP_ERR_INVALID_ARGUMENT, std::string("not a ") + kind_name(kind) + " feature");
  const auto* vt = f.vtable<Vtbl>();
  Handle* handle = nullptr;
  tp_error err{};
  const tp_status s = vt->create(f.host, &params, &handle, &err);
  if (s != TP_OK || handle == nullptr)
    throw PluginError(s == TP_OK ? TP_ERR_INTERNAL : s, f.plugin->id + ": " + kind_name(kind) + " '" + f.feature->name +
                                                            "': " + (err.message[0] ? err.message : "create failed"));
  return PluginObject<Vtbl, Handle>(f.library, vt, handle);
}
}  // namespace

EncoderObject create_encoder(const FeatureRef& f, const tp_video_params& params) {
  return create<tp_encoder_vtbl, tp_encoder>(f, TP_KIND_ENCODER, params);
}
DecoderObject create_decoder(const FeatureRef& f, const tp_video_params& params) {
  return create<tp_decoder_vtbl, tp_decoder>(f, TP_KIND_DECODER, params);
}
CaptureObject create_capture(const FeatureRef& f, const tp_capture_params& params) {
  return create<tp_capture_vtbl, tp_capture>(f, TP_KIND_CAPTURE, params);
}
RecorderObject create_recorder(const FeatureRef& f, const tp_recorder_params& params) {
  return create<tp_recorder_vtbl, tp_recorder>(f, TP_KIND_RECORDER, params);
}

}  // namespace telepane::core::plugins
