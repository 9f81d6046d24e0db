#include "session/screen_setup.hpp"

#include <telepane/core/media/recording.hpp>
#include <telepane/core/media/screen_host.hpp>
#include <telepane/core/media/screen_viewer.hpp>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace telepane::app {
namespace media = core::media;
using core::plugins::FeatureRef;

namespace {
std::vector<std::string> texts(const core::config::Value& list) {
  std::vector<std::string> out;
  for (const auto& v : list.items()) out.push_back(v.text());
  return out;
}

// `features` (best rank first) with the preferred names moved to the front, in the order preferred.
std::vector<FeatureRef> by_preference(std::vector<FeatureRef> features, const std::vector<std::string>& preferred) {
  const auto rank = [&](const FeatureRef& f) {
    const auto it = std::find(preferred.begin(), preferred.end(), f.feature->name);
    return it == preferred.end() ? preferred.size() : std::size_t(it - preferred.begin());
  };
  std::stable_sort(features.begin(), features.end(),
                   [&](const FeatureRef& a, const FeatureRef& b) { return rank(a) < rank(b); });
  return features;
}

// The first loaded recorder that can hold `codec` in a file named like `path`.
std::optional<FeatureRef> recorder_for(core::Runtime& rt, const std::string& path, const std::string& codec) {
  for (const auto& r : rt.plugins().features(TP_KIND_RECORDER))
    if (media::Recording::supports(r, path, codec)) return r;
  return std::nullopt;
}
}  // namespace

core::session::ServiceSpec host_screen(core::Runtime& rt) {
  const auto& cfg = rt.core_config();
  media::ScreenHostConfig c;
  const std::string capture = cfg.at_path("host.screen.capture")->text();
  if (capture.empty()) {
    const auto all = rt.plugins().features(TP_KIND_CAPTURE);
    if (!all.empty()) c.capture = all.front();
  } else {
    c.capture = rt.plugins().feature(TP_KIND_CAPTURE, capture);
  }
  if (!c.capture) {
    // Why: a capture whose probe failed says so (no display, no permission).
    std::string why;
    for (const auto& rec : rt.plugins().plugins())
      for (const auto& f : rec->features)
        if (f.kind == TP_KIND_CAPTURE && !f.usable && (capture.empty() || f.name == capture))
          why += "; " + f.name + ": " + f.error;
    rt.logger().warn("screen", (capture.empty() ? std::string("no usable screen capture")
                                                : "the capture '" + capture + "' is not usable") +
                                   why + ". Viewers will see no screen");
  }
  c.display = uint32_t(*cfg.at_path("host.screen.display")->as_int());
  c.encoders = rt.plugins().features(TP_KIND_ENCODER);
  c.codec_preference = texts(*cfg.at_path("host.screen.codecs"));
  c.max_fps = uint32_t(*cfg.at_path("host.screen.max_fps")->as_int());
  const std::string quality = cfg.at_path("host.screen.quality")->text();
  c.rate = *media::rate_for_quality(quality);  // the schema's enum admits only the presets
  const std::string dir = cfg.at_path("host.screen.record_dir")->text();
  if (!dir.empty()) {
    auto counter = std::make_shared<std::atomic<unsigned>>(0);
    c.make_sink = [&rt, dir, counter](const media::StreamInfo& info) -> std::unique_ptr<media::PacketSink> {
      char stamp[32];
      const std::time_t now = std::time(nullptr);
      std::tm tm{};
      localtime_r(&now, &tm);
      std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
      const auto stem =
          (std::filesystem::path(dir) / ("telepane-" + std::string(stamp) + "-" + std::to_string(++*counter))).string();
      // The first container a loaded recorder lists (its own order: webm before mkv) that holds the codec.
      for (const auto& r : rt.plugins().features(TP_KIND_RECORDER)) {
        std::istringstream extensions(r.vtable<tp_recorder_vtbl>()->extensions);
        for (std::string ext; std::getline(extensions, ext, ',');)
          if (media::Recording::supports(r, stem + "." + ext, info.codec)) {
            std::filesystem::create_directories(dir);
            return std::make_unique<media::Recording>(r, stem + "." + ext, rt.logger());
          }
      }
      throw std::runtime_error("no loaded recorder can write " + info.codec + " (host.screen.record_dir)");
    };
  }
  return media::screen_host_service(std::move(c), rt.logger());
}

core::session::ServiceSpec viewer_screen(core::Runtime& rt, const ViewerScreenOptions& options) {
  const auto& cfg = rt.core_config();
  media::ScreenViewerConfig c;
  c.decoders = by_preference(rt.plugins().features(TP_KIND_DECODER), texts(*cfg.at_path("connect.codecs")));
  c.max_fps = uint32_t(*cfg.at_path("connect.max_fps")->as_int());
  c.stats = options.stats;
  c.remote = options.remote;
  c.on_frame = options.on_frame;
  c.on_cursor = options.on_cursor;
  c.on_option_refused = options.on_option_refused;
  if (options.notice) {
    c.on_unavailable = [notice = options.notice](const std::string& why) { notice("no picture: " + why); };
    c.on_display_refused = [notice = options.notice](uint32_t index, const std::string& why) {
      notice("the host did not switch to display " + std::to_string(index) + ": " + why);
    };
  }
  if (!options.record_path.empty()) {
    if (rt.plugins().features(TP_KIND_RECORDER).empty())
      throw std::runtime_error("--record needs a recorder plugin (is org.telepane.recorder.matroska enabled?)");
    std::vector<FeatureRef> fit;
    for (const auto& d : c.decoders)
      if (recorder_for(rt, options.record_path, d.feature->name)) fit.push_back(d);
    if (fit.empty())
      throw std::runtime_error(options.record_path +
                               ": no codec this viewer decodes fits that file; use .webm "
                               "(VP8, VP9), .mkv (VP8, VP9, H.264) or .mp4 (VP9, H.264)");
    c.decoders = std::move(fit);
    c.make_sink = [&rt,
                   path = options.record_path](const media::StreamInfo& info) -> std::unique_ptr<media::PacketSink> {
      return std::make_unique<media::Recording>(*recorder_for(rt, path, info.codec), path, rt.logger());
    };
  }
  if (c.decoders.empty()) throw std::runtime_error("no video decoder is loaded (is org.telepane.codec.vpx enabled?)");
  return media::screen_viewer_service(std::move(c), rt.logger());
}

}  // namespace telepane::app
