// What the window knows about the application: the state the app publishes on the bus (sdk/app_events.hpp),
// gathered by subscriptions on the host's executor and read by the main thread as one consistent copy.
#pragma once

#include <telepane/sdk/app_events.hpp>
#include <telepane/sdk/host.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace telepane::frontend {

struct Question {  // a viewer waiting for the person's accept or deny
  int64_t token = 0;
  std::string address, device;
  std::vector<std::string> permissions;
  int64_t timeout_ms = 0;
  double asked_at = 0;  // window time, seconds
};

struct HostedViewer {
  int64_t token = 0;
  std::string address, permissions;
};

struct CursorShape {
  uint32_t w = 0, h = 0, hot_x = 0, hot_y = 0;
  std::vector<uint8_t> rgba;
  uint64_t serial = 0;
};

struct Model {
  std::string id, full_id, listen, hosting_problem;
  std::string otp;
  std::string rendezvous_state = "none", rendezvous_detail;
  std::vector<Question> questions;
  std::vector<HostedViewer> viewers;
  sdk::app::Fields viewer;  // state, peer, path, message
  sdk::app::Fields stats;
  int32_t cursor_x = 0, cursor_y = 0;
  bool cursor_visible = false;
  CursorShape cursor;
  // Shared, not copied with each frame's snapshot: they are replaced whole when the app sends new ones.
  std::shared_ptr<const nlohmann::json> settings;  // app.settings json
  std::shared_ptr<const nlohmann::json> book;
  std::deque<std::pair<std::string, bool>> notices;  // message, is error; newest last
  std::deque<std::string> chat;                      // "host: ..." / "me: ..."
  std::string clipboard_in;                          // the remote clipboard, not yet applied
  uint64_t clipboard_serial = 0;
};

class AppModel {
 public:
  // Subscribes to every app topic; `wake` is called after each change (from the executor). [main thread]
  AppModel(sdk::Host host, std::function<void()> wake);
  Model snapshot(double now);  // [main thread]
  void publish(const char* topic, const sdk::app::Fields& f) const { host_.publish(topic, f.encode()); }
  void publish_raw(const char* topic, std::string_view bytes) const { host_.publish(topic, bytes); }
  void add_chat(const std::string& line);
  // Counts changes: the window draws when it moved since the last frame. [any thread]
  uint64_t version() const { return version_.load(); }
  void dismiss_notice();

 private:
  void on_event(std::string_view topic, std::string_view payload);

  sdk::Host host_;
  std::function<void()> wake_;
  std::mutex mu_;
  Model m_;
  std::vector<int64_t> new_questions_;  // tokens whose asked_at the next snapshot stamps
  std::atomic<uint64_t> version_{0};
  std::vector<sdk::Subscription> subs_;
};

}  // namespace telepane::frontend
