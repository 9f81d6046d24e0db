// recorder plugin "matroska": a screen stream into .webm (VP8, VP9), .mkv (VP8, VP9, H.264) or .mp4 (VP9, H.264),
// written as received, readable by ffmpeg, ffprobe and browsers (see av_muxer.hpp).
#include "av_muxer.hpp"

#include <telepane/sdk/sdk.hpp>

extern "C" {
#include <libavutil/log.h>
}

#include <memory>

struct tp_recorder {
  telepane::recorder::AvMuxer muxer;
};

namespace {
using telepane::sdk::Error;
using telepane::sdk::Host;

tp_status supports(const tp_host*, const char* path, const char* codec, tp_error* err) {
  if (path == nullptr || codec == nullptr) return TP_ERR_INVALID_ARGUMENT;
  const auto why = telepane::recorder::unsupported_reason(path, codec);
  if (why.empty()) return TP_OK;
  telepane::sdk::set_error(err, why.c_str());
  return TP_ERR_UNSUPPORTED;
}

tp_status create(const tp_host*, const tp_recorder_params* p, tp_recorder** out, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (p == nullptr || out == nullptr || p->path == nullptr || p->codec == nullptr)
      throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    *out = new tp_recorder{telepane::recorder::AvMuxer(p->path, p->codec, p->width, p->height)};
  });
}

tp_status write(tp_recorder* r, const tp_packet* packet, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (r == nullptr || packet == nullptr || (packet->data == nullptr && packet->size > 0))
      throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    r->muxer.write(*packet);
  });
}

tp_status finish(tp_recorder* r, tp_error* err) {
  return telepane::sdk::guard(err, [&] {
    if (r == nullptr) throw Error(TP_ERR_INVALID_ARGUMENT, "null argument");
    r->muxer.finish();
  });
}

void destroy(tp_recorder* r) {
  std::unique_ptr<tp_recorder> owned(r);
}

const tp_recorder_vtbl kVtable = {sizeof(tp_recorder_vtbl), "webm,mkv,mp4", supports, create, write, finish, destroy};

// libavformat writes its own complaints to stderr; every failure is reported through a status instead.
void on_load(Host) {
  av_log_set_level(AV_LOG_QUIET);
}

telepane::sdk::PluginDef define() {
  return telepane::sdk::PluginDef("org.telepane.recorder.matroska", {0, 1, 0})
      .description("Recordings of the screen stream as WebM, Matroska or MP4 (libavformat; no re-encoding)")
      .flags(TP_PLUGIN_KEEP_LOADED)  // libav* leave allocations behind when unloaded, as in the h264 plugin
      .feature(TP_KIND_RECORDER, "matroska", 50, &kVtable)
      .on_load(on_load);
}
}  // namespace

TP_DECLARE_PLUGIN(define)
