#include <telepane/core/session/failure_limiter.hpp>

#include <algorithm>

namespace telepane::core::session {

void FailureLimiter::erase(std::map<std::string, Entry>::iterator it) {
  by_age_.erase(it->second.age);
  entries_.erase(it);
}

void FailureLimiter::expire(const std::string& key, Clock::time_point now) {
  auto it = entries_.find(key);
  if (it != entries_.end() && now - it->second.last >= policy_.forget_after) erase(it);
}

std::optional<std::chrono::milliseconds> FailureLimiter::wait(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  expire(key, now);
  auto it = entries_.find(key);
  if (it == entries_.end() || now >= it->second.next_allowed) return std::nullopt;
  return std::chrono::ceil<std::chrono::milliseconds>(it->second.next_allowed - now);
}

void FailureLimiter::failure(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  expire(key, now);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    // Bounded memory under a flood of sources: forget the key that failed longest ago.
    if (entries_.size() >= policy_.max_keys) erase(entries_.find(by_age_.front()));
    it = entries_.emplace(key, Entry{}).first;
    it->second.age = by_age_.insert(by_age_.end(), key);
  } else {
    by_age_.splice(by_age_.end(), by_age_, it->second.age);
  }
  Entry& e = it->second;
  e.failures = std::min<uint32_t>(e.failures + 1, 1000);
  e.last = now;
  if (e.failures < policy_.free_attempts) return;
  const uint32_t doublings = std::min<uint32_t>(e.failures - policy_.free_attempts, 30);
  const auto delay = std::min(policy_.max, policy_.base * (int64_t(1) << doublings));
  e.next_allowed = now + delay;
}

void FailureLimiter::success(const std::string& key) {
  std::lock_guard lock(mu_);
  if (auto it = entries_.find(key); it != entries_.end()) erase(it);
}

std::size_t FailureLimiter::keys() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace telepane::core::session
