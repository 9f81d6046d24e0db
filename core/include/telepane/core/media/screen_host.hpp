// The host's end of the "screen" service: capture -> convert -> encode -> the session, per viewer.
//
// Two threads per session. The capture thread grabs and converts frame N+1 while the encode thread encodes frame N;
// they meet in a one-picture slot where a newer picture replaces one not yet taken (latest wins: a slow encoder or
// link skips stale pictures, it never queues them). The capture thread only grabs when the encoder could take the
// picture soon: the viewer's acknowledgements bound the frames in flight (RateController), so a constrained link
// holds about two frames, not seconds. An unchanged screen yields no grabs, so no frames and no bytes; once it
// settles, the last picture is encoded twice more so its quality converges.
#pragma once

#include <telepane/abi/tp_capture.h>
#include <telepane/core/log/logger.hpp>
#include <telepane/core/media/rate_controller.hpp>
#include <telepane/core/media/screen_stream.hpp>
#include <telepane/core/plugins/plugin_manager.hpp>
#include <telepane/core/session/session_service.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace telepane::core::media {

struct ScreenHostConfig {
  std::optional<plugins::FeatureRef> capture;  // none: viewers are told this host cannot share its screen
  uint32_t display = 0;                        // the capture's display index
  std::vector<plugins::FeatureRef> encoders;   // best rank first
  // Codecs in the order this host wants them; empty: the viewer's order (its preference, then its ranks).
  std::vector<std::string> codec_preference;
  uint32_t max_fps = 30;  // the viewer may ask for less
  RateSettings rate;
  // Where each session's sent packets also go (host-side recording), created when its first stream starts; may
  // return null or throw (then the session streams unrecorded). [encode thread]
  std::function<std::unique_ptr<PacketSink>(const StreamInfo&)> make_sink;
};

// Picks the codec both ends have: the first of `preference` (or of `viewer`, when `preference` is empty) that is in
// both lists. nullopt when they share none.
std::optional<std::string> choose_codec(const std::vector<std::string>& viewer, const std::vector<std::string>& host,
                                        const std::vector<std::string>& preference);

session::ServiceSpec screen_host_service(ScreenHostConfig config, Logger& log);

}  // namespace telepane::core::media
