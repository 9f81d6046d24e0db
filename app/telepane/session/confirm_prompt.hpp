// Confirm-on-host for the headless host: each viewer that passed authentication is put to the person at the
// terminal ("accept? [y/N]"), one question at a time. No answer in time, or no terminal left, is a refusal.
#pragma once

#include <telepane/core/session/peer_session.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>

namespace telepane::app {

class ConfirmPrompt {
 public:
  explicit ConfirmPrompt(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  // PeerSessionConfig::confirm. [a session's worker]
  void ask(const core::session::ConfirmRequest& request, std::function<void(core::session::ConfirmDecision)> answer);
  // A line typed at the terminal; false when no question waits, so the line is chat. [the terminal's reader]
  bool take_line(const std::string& line);
  // Refuses questions past their time. [any thread, periodically]
  void expire();
  // stdin ended: every question now and later is refused. [any thread]
  void terminal_closed();

 private:
  struct Pending {
    std::string question;
    std::function<void(core::session::ConfirmDecision)> answer;
    std::chrono::steady_clock::time_point deadline;
  };
  void show_front();  // under mu_

  std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::deque<Pending> pending_;
  bool closed_ = false;
};

}  // namespace telepane::app
