// The desktop app behind its window: shares this machine (Hosting, with the window asking the person to accept
// viewers), runs one viewer session at a time, and answers the window's requests on the bus (sdk/app_events.hpp).
// The frontend plugin owns the main thread; this object works on the bus executor and one tending thread.
#pragma once

#include "desktop/address_book.hpp"
#include "desktop/user_settings.hpp"
#include "desktop/viewer_controller.hpp"
#include "session/hosting.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace telepane::app {

class DesktopApp {
 public:
  DesktopApp(core::Runtime& rt, const CliOptions& opts, const core::identity::Identity& me,
             core::plugins::FeatureRef frontend);
  ~DesktopApp();  // stops tending, ends every session
  DesktopApp(const DesktopApp&) = delete;
  DesktopApp& operator=(const DesktopApp&) = delete;

 private:
  struct Question {
    std::function<void(core::session::ConfirmDecision)> answer;
    std::chrono::steady_clock::time_point deadline;
    std::string fields;  // as published
  };
  void ask(const core::session::ConfirmRequest& request, std::function<void(core::session::ConfirmDecision)> answer);
  void answer(uint64_t token, core::session::ConfirmDecision decision, const std::string& how);
  void publish_everything();
  void publish_rendezvous(const std::string& line);
  // Sends the list of viewers when it differs from the last one sent (or always, with `force`).
  void publish_sessions(bool force = false);
  void notice(const std::string& message, bool error = false);
  void tend();                        // [tending thread]
  void handle(const core::Event& e);  // a request from the window [tending thread]

  core::Runtime& rt_;
  const core::identity::Identity& me_;
  std::chrono::milliseconds confirm_timeout_;
  AddressBook book_;
  UserSettings settings_;

  // Declared before the objects whose callbacks use them (Hosting asks and reports through them).
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::deque<core::Event> requests_;  // from the window, handled on the tending thread (some take seconds)
  std::map<uint64_t, Question> questions_;
  uint64_t next_question_ = 1;
  std::string rendezvous_;  // fields last published
  std::string otp_;
  std::string sessions_sent_;  // the last app.host.sessions payload

  std::unique_ptr<ViewerController> viewer_;
  std::unique_ptr<Hosting> hosting_;
  std::string hosting_problem_;
  std::vector<core::Subscription> subscriptions_;  // last: nothing arrives before the rest exists
  std::thread tender_;
};

}  // namespace telepane::app
