#include "session/terminal.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <mutex>
#include <utility>

namespace telepane::app {
namespace {
std::mutex& out_mu() {
  static std::mutex mu;  // one process, one stdout
  return mu;
}
}  // namespace

void Terminal::say(const std::string& line) {
  std::lock_guard lock(out_mu());
  std::cout << line << std::endl;
}

Terminal::Terminal(core::EventBus& bus, core::Executor& executor, std::string peer_label)
    : bus_(bus), label_(std::move(peer_label)) {
  chat_ = bus.subscribe("chat.received", executor, [this](const core::Event& e) { say(label_ + ": " + e.payload); });
  state_ = bus.subscribe("session.state", executor, [](const core::Event& e) { say("session: " + e.payload); });
}

Terminal::~Terminal() {
  stop_reading();
}

void Terminal::stop_reading() {
  stop_ = true;
  if (reader_.joinable()) reader_.join();
}

void Terminal::read_stdin(std::function<void()> on_eof, std::function<bool(const std::string&)> take_line) {
  reader_ = std::thread([this, on_eof = std::move(on_eof), take_line = std::move(take_line)] {
    constexpr std::size_t kMaxLine = 64 * 1024;
    std::string pending;
    bool overlong = false;
    char buf[4096];
    while (!stop_) {
      pollfd p{STDIN_FILENO, POLLIN, 0};
      const int ready = poll(&p, 1, 200);  // bounded, so the destructor can stop this thread
      if (ready <= 0) continue;
      const ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
      if (n <= 0) break;
      pending.append(buf, std::size_t(n));
      // A line that never ends (a binary file or /dev/zero on stdin) must not grow without bound: it is dropped.
      if (pending.find('\n') == std::string::npos && pending.size() > kMaxLine) {
        if (!overlong) say("a line of over " + std::to_string(kMaxLine) + " bytes on the terminal was dropped");
        overlong = true;
        pending.clear();
        continue;
      }
      for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
        std::string line = pending.substr(0, nl);
        pending.erase(0, nl + 1);
        if (std::exchange(overlong, false)) continue;  // the tail of a dropped line
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (take_line && take_line(line)) continue;
        if (!line.empty()) bus_.publish("chat.send", line);
      }
    }
    if (!stop_) on_eof();
  });
}

StopSignal::StopSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

bool StopSignal::wait(int timeout_ms) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  const timespec ts{timeout_ms / 1000, long(timeout_ms % 1000) * 1000000L};
  return sigtimedwait(&set, nullptr, &ts) > 0;
}

}  // namespace telepane::app
