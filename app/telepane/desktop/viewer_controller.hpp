// The desktop app's viewer: one session to a remote host at a time, started from the window ("app.connect"), its
// state, stats and pointer published for the window, its decoded pictures handed straight to the frontend.
#pragma once

#include "session/viewer_link.hpp"

#include <telepane/abi/tp_frontend.h>
#include <telepane/core/media/frame_converter.hpp>
#include <telepane/core/media/screen_stream.hpp>
#include <telepane/core/media/screen_viewer.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace telepane::app {

class AddressBook;

class ViewerController {
 public:
  // `frontend`: the window that shows the pictures (present may be NULL: no picture). `book` records recent sessions.
  ViewerController(core::Runtime& rt, const core::identity::Identity& me, std::optional<RendezvousServer> server,
                   core::plugins::FeatureRef frontend, AddressBook& book);
  ~ViewerController();  // ends the session ("the viewer left") and joins
  ViewerController(const ViewerController&) = delete;
  ViewerController& operator=(const ViewerController&) = delete;

  // Starts a session to `id` (a peer ID or full ID). A session already running is ended first. [any thread]
  void connect(const std::string& id, const std::string& password);
  void close();  // [any thread]
  void select_display(uint32_t index);
  // Another frame rate, quality or codec for the running stream (empty fields keep theirs).
  void set_stream(const core::media::StreamRequest& request);
  void republish();  // sends the current state again (a window that just started listening)

 private:
  void run(std::string id, std::string password);  // [worker]
  void publish_state(const std::string& state, const std::string& message = "");
  void publish_stats(double fps);
  void publish_cursor(const core::media::CursorState& c);
  void present(const tp_frame& frame);  // [decode thread]
  void stop_worker();

  core::Runtime& rt_;
  const core::identity::Identity& me_;
  std::optional<RendezvousServer> server_;
  core::plugins::FeatureRef frontend_;
  AddressBook& book_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool close_requested_ = false;
  std::string last_state_;  // encoded fields of the last state published
  std::string peer_, path_;
  std::string codecs_;  // what this viewer decodes, for the window's codec choice
  std::shared_ptr<core::media::ScreenStats> stats_;
  std::shared_ptr<core::media::ScreenRemote> remote_;
  uint64_t last_shape_ = 0;
  core::media::FrameConverter converter_;  // [decode thread] formats the window does not take
  std::thread worker_;
};

}  // namespace telepane::app
