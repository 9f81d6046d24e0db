#include <telepane/core/media/recording.hpp>

namespace telepane::core::media {

Recording::Recording(plugins::FeatureRef recorder, std::string path, Logger& log)
    : feature_(std::move(recorder)), path_(std::move(path)), log_(log) {}

Recording::~Recording() {
  if (!file_) return;
  tp_error err{};
  if (file_->vtable()->finish(file_->get(), &err) != TP_OK)
    log_.error("recording", path_ + ": could not be finished: " + err.message);
  else
    log_.info("recording", "wrote " + path_);
}

bool Recording::supports(const plugins::FeatureRef& recorder, const std::string& path, const std::string& codec) {
  tp_error err{};
  return recorder.vtable<tp_recorder_vtbl>()->supports(recorder.host, path.c_str(), codec.c_str(), &err) == TP_OK;
}

void Recording::stream(const StreamInfo& info) {
  if (file_) {
    refused_ = info.codec != codec_;
    if (refused_) log_.warn("recording", path_ + ": the stream changed to " + info.codec + ", which is not recorded");
    return;
  }
  tp_recorder_params params{sizeof(tp_recorder_params), path_.c_str(), info.codec.c_str(), info.width, info.height};
  file_.emplace(plugins::create_recorder(feature_, params));
  codec_ = info.codec;
}

void Recording::packet(const tp_packet& packet) {
  if (!file_ || refused_) return;
  tp_error err{};
  if (file_->vtable()->write(file_->get(), &packet, &err) != TP_OK) {
    log_.error("recording", path_ + ": " + err.message + "; recording stopped");
    refused_ = true;
  }
}

}  // namespace telepane::core::media
