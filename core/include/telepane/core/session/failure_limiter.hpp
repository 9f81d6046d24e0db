// Back-off for failed authentication, keyed by whatever the caller limits on: a source address, a peer ID. After
// `free_attempts` failures a key must wait base * 2^(n - free_attempts), capped; a success or a quiet spell
// forgets it. Memory is bounded: past `max_keys` the stalest key is dropped first. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace telepane::core::session {

struct BackoffPolicy {
  uint32_t free_attempts = 3;
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds max{std::chrono::minutes(5)};
  std::chrono::milliseconds forget_after{std::chrono::minutes(15)};
  std::size_t max_keys = 100000;
};

class FailureLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit FailureLimiter(BackoffPolicy policy = {}) : policy_(policy) {}

  // How long `key` must still wait before its next attempt; nullopt when it may try now.
  std::optional<std::chrono::milliseconds> wait(const std::string& key, Clock::time_point now);
  void failure(const std::string& key, Clock::time_point now);
  void success(const std::string& key);
  std::size_t keys() const;

 private:
  struct Entry {
    uint32_t failures = 0;
    Clock::time_point last{};
    Clock::time_point next_allowed{};
    std::list<std::string>::iterator age;  // position in by_age_
  };
  void expire(const std::string& key, Clock::time_point now);
  void erase(std::map<std::string, Entry>::iterator it);

  BackoffPolicy policy_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
  std::list<std::string> by_age_;  // least recently failed first: eviction is O(log n) even under a flood
};

}  // namespace telepane::core::session
