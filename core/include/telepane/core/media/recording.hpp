// A screen stream written to a file by a recorder plugin (TP_KIND_RECORDER), as a PacketSink: the file is created
// at the first stream start, takes packets from the first keyframe on, and is finished (trailer written) when the
// Recording is destroyed. A later stream with another codec cannot go into the same file: it is left out, logged.
#pragma once

#include <telepane/core/log/logger.hpp>
#include <telepane/core/media/screen_stream.hpp>
#include <telepane/core/plugins/plugin_object.hpp>

#include <optional>
#include <string>

namespace telepane::core::media {

class Recording final : public PacketSink {
 public:
  Recording(plugins::FeatureRef recorder, std::string path, Logger& log);
  ~Recording() override;
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;

  // Throws plugins::PluginError when the file cannot be created or the container cannot hold the codec.
  void stream(const StreamInfo& info) override;
  void packet(const tp_packet& packet) override;

  // Whether a recorder can store `codec` in a file named like `path`.
  static bool supports(const plugins::FeatureRef& recorder, const std::string& path, const std::string& codec);

 private:
  plugins::FeatureRef feature_;
  std::string path_;
  Logger& log_;
  std::optional<plugins::RecorderObject> file_;
  std::string codec_;
  bool refused_ = false;  // a stream the file cannot hold: packets are dropped until one it can
};

}  // namespace telepane::core::media
