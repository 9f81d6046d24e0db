// The screen service of `host` and `connect`, built from the config and the loaded capture, codec and recorder
// plugins.
#pragma once

#include <telepane/core/media/screen_stream.hpp>
#include <telepane/core/media/screen_viewer.hpp>
#include <telepane/core/runtime/runtime.hpp>
#include <telepane/core/session/session_service.hpp>

#include <functional>
#include <memory>
#include <string>

namespace telepane::app {

// host.screen: the capture (or none, logged: viewers are then told why), the encoders, the rate range and the
// host-side recording.
core::session::ServiceSpec host_screen(core::Runtime& rt);

struct ViewerScreenOptions {
  std::string record_path;  // empty: no recording
  std::shared_ptr<core::media::ScreenStats> stats;
  std::shared_ptr<core::media::ScreenRemote> remote;
  std::function<void(const std::string&)> notice;  // what the person should read: why there is no picture, ...
  std::function<void(const tp_frame&)> on_frame;   // each decoded picture (a window) [decode thread]
  std::function<void(const core::media::CursorState&)> on_cursor;  // [session worker]
  std::function<void(const std::string&)> on_option_refused;       // the host kept the stream as it was, and why
};
// connect.codecs/max_fps. With a recording, only codecs its container holds are offered. Throws
// std::runtime_error naming what is missing (no decoder, no recorder, no codec the file can hold).
core::session::ServiceSpec viewer_screen(core::Runtime& rt, const ViewerScreenOptions& options);

}  // namespace telepane::app
