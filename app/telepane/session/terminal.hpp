// The headless peer's terminal: chat lines typed on stdin go out, chat and session state arriving on the bus are
// printed; SIGINT/SIGTERM end the program cleanly.
#pragma once

#include <telepane/core/bus/event_bus.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace telepane::app {

class Terminal {
 public:
  // `peer_label` prefixes what the other side says ("viewer", "host").
  Terminal(core::EventBus& bus, core::Executor& executor, std::string peer_label);
  ~Terminal();
  // Reads stdin lines into "chat.send" until EOF, then calls on_eof once. A line `take_line` returns true for
  // (an answer to a question) is not chat. [its own thread]
  void read_stdin(std::function<void()> on_eof, std::function<bool(const std::string&)> take_line = {});
  // Stops and joins the stdin reader: call before whatever on_eof uses goes away.
  void stop_reading();
  // Prints one line to stdout, whole, even with other threads printing. [any thread]
  static void say(const std::string& line);

 private:
  core::EventBus& bus_;
  std::string label_;
  core::Subscription chat_, state_;
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

// Blocks SIGINT and SIGTERM for every thread started after it, so that wait() alone receives them.
class StopSignal {
 public:
  StopSignal();
  // True when a stop signal arrived within `timeout_ms`.
  bool wait(int timeout_ms);
};

}  // namespace telepane::app
