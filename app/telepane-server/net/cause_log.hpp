// One clear log line per cause of refusal, not one per connection: a flood of the same bad input writes one line,
// then a count of how many more there were once the cause has been quiet for a while. [io thread]
#pragma once

#include <telepane/core/log/logger.hpp>

#include <chrono>
#include <map>
#include <string>

namespace telepane::server {

class CauseLog {
 public:
  CauseLog(core::Logger& logger, std::string component, std::chrono::seconds window = std::chrono::seconds(60))
      : logger_(logger), component_(std::move(component)), window_(window) {}

  // `cause` groups lines ("bad request: malformed message"); `source` is the example named in the line.
  void note(const std::string& cause, const std::string& source) {
    const auto now = std::chrono::steady_clock::now();
    auto& e = causes_[cause];
    if (e.count > 0 && now - e.since < window_) {
      ++e.suppressed;
      return;
    }
    std::string line = cause + " (from " + source + ")";
    if (e.suppressed > 0) line += "; " + std::to_string(e.suppressed) + " more like it before";
    logger_.warn(component_, line);
    e = {now, e.count + 1, 0};
    if (causes_.size() > 256) causes_.clear();  // bounded: causes are few unless the text carries input
  }

 private:
  struct Entry {
    std::chrono::steady_clock::time_point since{};
    uint64_t count = 0;
    uint64_t suppressed = 0;
  };
  core::Logger& logger_;
  std::string component_;
  std::chrono::seconds window_;
  std::map<std::string, Entry> causes_;
};

}  // namespace telepane::server
