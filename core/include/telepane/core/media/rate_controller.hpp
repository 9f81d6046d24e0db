// Per-viewer rate control for the screen stream, fed by the viewer's acknowledgements. Two jobs:
//  - how many frames may be in flight: what the path holds (its base round trip in frame intervals) plus about two
//    frames, so a slow link never builds a backlog; the pipeline skips stale pictures instead.
//  - the encoder's target bitrate: delay-based. A round trip that grows beyond the path's base means a queue is
//    forming: the target drops below the rate the viewer actually received. A short queue lets it climb again.
// Not thread-safe: the screen pipeline calls it under its own lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace telepane::core::media {

struct RateSettings {
  uint32_t start_kbps = 4000;
  uint32_t min_kbps = 200;
  uint32_t max_kbps = 30000;
};

// The quality presets (host.screen.quality, and what a viewer may ask for mid-session): the bitrate range the rate
// control works in. low 0.2-4 Mbit/s, balanced 0.3-15, high 0.5-40. nullopt for a name that is none of them.
std::optional<RateSettings> rate_for_quality(const std::string& quality);

class RateController {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateController(RateSettings settings);

  // A frame of `bytes` left for the viewer.
  void on_sent(uint64_t frame, std::size_t bytes, Clock::time_point now);
  // The viewer received frame `frame` (and every earlier one: acks follow the stream's order).
  void on_ack(uint64_t frame, Clock::time_point now);
  // Whether another frame may go now, at `fps` frames a second. A frame unacknowledged for far longer than the
  // path's round trip counts as lost (a datagram path loses acks): it leaves the flight, and the target drops.
  bool may_send(uint32_t fps, Clock::time_point now);

  // Another range (a new quality preset): the target moves into it, the path measurements stay.
  void set_range(RateSettings settings);

  uint32_t bitrate_kbps() const { return target_kbps_; }
  std::size_t frames_in_flight() const { return in_flight_.size(); }
  uint64_t frames_lost() const { return lost_; }
  std::chrono::microseconds base_rtt() const { return base_rtt_; }
  std::chrono::microseconds last_rtt() const { return last_rtt_; }

 private:
  void adjust(Clock::time_point now);

  struct Sent {
    uint64_t frame;
    std::size_t bytes;
    Clock::time_point at;
  };
  struct RttSample {
    Clock::time_point at;
    std::chrono::microseconds rtt;
  };
  RateSettings settings_;
  uint32_t target_kbps_;
  std::deque<Sent> in_flight_;
  std::deque<RttSample> rtts_;                                       // the last 10 s, for the base (minimum) round trip
  std::deque<std::pair<Clock::time_point, std::size_t>> delivered_;  // acked bytes over the last second
  std::chrono::microseconds base_rtt_{0};
  std::chrono::microseconds last_rtt_{0};
  Clock::time_point last_adjust_{};
  Clock::time_point last_decrease_{};
  uint64_t lost_ = 0;
};

}  // namespace telepane::core::media
