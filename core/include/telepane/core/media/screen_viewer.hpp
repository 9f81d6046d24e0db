// The viewer's end of the "screen" service: asks for the stream with the codecs it can decode, acknowledges every
// frame at once (the host's rate control runs on those), decodes on its own thread, and keeps the decoder healthy:
// a packet it cannot decode asks for a keyframe and nothing is decoded until one comes. Capture times are put on
// this machine's clock with a running clock probe (the lowest round trip wins), which gives capture-to-decoded
// latency across machines.
#pragma once

#include <telepane/core/log/logger.hpp>
#include <telepane/core/media/screen_stream.hpp>
#include <telepane/core/plugins/plugin_manager.hpp>
#include <telepane/core/session/session_service.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace telepane::core::media {

// What a frontend asks of the host's screen while a session runs; shared between the frontend and the session's
// screen service, which attaches itself while it runs. [any thread]
// What the person may change about a running stream; empty or zero fields keep what the stream has.
struct StreamRequest {
  uint32_t max_fps = 0;
  std::string quality;  // low, balanced, high
  std::string codec;
};

class ScreenRemote {
 public:
  // Asks the host to show its display `index` (0: the primary). False when no screen stream is running.
  bool select_display(uint32_t index);
  // Asks the host for another frame rate, quality or codec. False when no screen stream is running or its host
  // does not take options (an older version); the host's refusals arrive at ScreenViewerConfig::on_option_refused.
  bool set_options(const StreamRequest& request);

 private:
  friend class ScreenRemoteAttachment;
  std::mutex mu_;
  std::function<void(uint32_t)> select_;
  std::function<bool(const StreamRequest&)> options_;
};

struct ScreenViewerConfig {
  std::vector<plugins::FeatureRef> decoders;  // most wanted first
  uint32_t max_fps = 0;                       // 0: the host's choice
  // Where received packets also go, created when the first stream starts (e.g. a recording); may return null.
  // [decode thread]
  std::function<std::unique_ptr<PacketSink>(const StreamInfo&)> make_sink;
  // Each decoded picture, borrowed for the call. [decode thread]
  std::function<void(const tp_frame&)> on_frame;
  // The pointer moved or changed shape. [session worker]
  std::function<void(const CursorState&)> on_cursor;
  // The host cannot stream, and why. [session worker]
  std::function<void(const std::string&)> on_unavailable;
  // The host could not show the display asked for, and why; the stream stays where it was. [session worker]
  std::function<void(uint32_t index, const std::string& why)> on_display_refused;
  // The host would not apply a StreamRequest field, and why; the stream goes on as it was. [session worker]
  std::function<void(const std::string& why)> on_option_refused;
  std::shared_ptr<ScreenRemote> remote;  // may be null
  std::shared_ptr<ScreenStats> stats;    // may be null
};

session::ServiceSpec screen_viewer_service(ScreenViewerConfig config, Logger& log);

}  // namespace telepane::core::media
