// A token bucket in bytes: how long a sender must wait before `n` more bytes keep within `rate`. The relay's
// bandwidth limits (per session and in total) are two of these; reading waits, so TCP pushes back on the sender.
#pragma once

#include <algorithm>
#include <chrono>

namespace telepane::server {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  // rate in bytes/s (0: unlimited); burst in bytes.
  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

  // Takes `n` bytes (the balance may go negative) and returns how long to wait until it is even again.
  std::chrono::microseconds take(std::size_t n, Clock::time_point now = Clock::now()) {
    if (rate_ <= 0) return std::chrono::microseconds(0);
    tokens_ = std::min(burst_, tokens_ + rate_ * std::chrono::duration<double>(now - last_).count());
    last_ = now;
    tokens_ -= double(n);
    if (tokens_ >= 0) return std::chrono::microseconds(0);
    return std::chrono::microseconds(int64_t(-tokens_ / rate_ * 1e6));
  }
  bool unlimited() const { return rate_ <= 0; }

 private:
  double rate_, burst_, tokens_;
  Clock::time_point last_ = Clock::now();
};

}  // namespace telepane::server
