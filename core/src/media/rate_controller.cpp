#include <telepane/core/media/rate_controller.hpp>

#include <algorithm>
#include <optional>

namespace telepane::core::media {
using namespace std::chrono_literals;

namespace {
constexpr auto kBaseWindow = 10s;         // how long a minimum round trip stays the path's base
constexpr auto kDeliveryWindow = 1s;      // what the received rate is measured over
constexpr auto kAdjustEvery = 200ms;      // between two target changes
constexpr auto kQueueHigh = 50ms;         // queueing beyond the base that means "too fast"
constexpr auto kQueueLow = 15ms;          // queueing below which the target may climb
constexpr uint32_t kSlackFrames = 2;      // frames in flight beyond what the path holds
constexpr std::size_t kMaxInFlight = 16;  // whatever the round trip, never more
constexpr auto kLostAfter = 1s;           // at least; four base round trips on a long path
}  // namespace

std::optional<RateSettings> rate_for_quality(const std::string& quality) {
  if (quality == "low") return RateSettings{1500, 200, 4000};
  if (quality == "balanced") return RateSettings{4000, 300, 15000};
  if (quality == "high") return RateSettings{8000, 500, 40000};
  return std::nullopt;
}

void RateController::set_range(RateSettings settings) {
  settings_ = settings;
  target_kbps_ = std::clamp(target_kbps_, settings.min_kbps, settings.max_kbps);
}

RateController::RateController(RateSettings settings)
    : settings_(settings), target_kbps_(std::clamp(settings.start_kbps, settings.min_kbps, settings.max_kbps)) {}

void RateController::on_sent(uint64_t frame, std::size_t bytes, Clock::time_point now) {
  in_flight_.push_back({frame, bytes, now});
}

void RateController::on_ack(uint64_t frame, Clock::time_point now) {
  std::optional<Sent> acked;
  while (!in_flight_.empty() && in_flight_.front().frame <= frame) {
    acked = in_flight_.front();
    delivered_.emplace_back(now, acked->bytes);
    in_flight_.pop_front();
  }
  if (!acked) return;  // a duplicate or an ack for a frame never sent: nothing to learn
  last_rtt_ = std::chrono::duration_cast<std::chrono::microseconds>(now - acked->at);
  while (!rtts_.empty() && (rtts_.back().rtt >= last_rtt_ || now - rtts_.front().at > kBaseWindow)) {
    if (rtts_.back().rtt >= last_rtt_)
      rtts_.pop_back();
    else
      rtts_.pop_front();
  }
  rtts_.push_back({now, last_rtt_});
  base_rtt_ = rtts_.front().rtt;  // a monotonic deque: the front is the window's minimum
  while (!delivered_.empty() && now - delivered_.front().first > kDeliveryWindow) delivered_.pop_front();
  adjust(now);
}

void RateController::adjust(Clock::time_point now) {
  if (now - last_adjust_ < kAdjustEvery) return;
  last_adjust_ = now;
  const auto queueing = last_rtt_ - base_rtt_;
  if (queueing > kQueueHigh) {
    // Only once per round trip: the queue the last decrease drains takes that long to show.
    if (now - last_decrease_ < base_rtt_ + kAdjustEvery) return;
    last_decrease_ = now;
    std::size_t bytes = 0;
    for (auto& d : delivered_) bytes += d.second;
    const auto received_kbps = uint32_t(bytes * 8 / 1000);  // over kDeliveryWindow = 1 s
    const uint32_t cut =
        std::min(uint32_t(target_kbps_ * 0.7), received_kbps > 0 ? uint32_t(received_kbps * 0.85) : target_kbps_);
    target_kbps_ = std::clamp(std::max(cut, uint32_t(target_kbps_ * 0.5)), settings_.min_kbps, settings_.max_kbps);
  } else if (queueing < kQueueLow) {
    target_kbps_ = std::clamp(uint32_t(target_kbps_ * 1.08) + 10, settings_.min_kbps, settings_.max_kbps);
  }
}

bool RateController::may_send(uint32_t fps, Clock::time_point now) {
  const auto lost_after = std::max<Clock::duration>(kLostAfter, 4 * base_rtt_);
  bool lost = false;
  while (!in_flight_.empty() && now - in_flight_.front().at > lost_after) {
    in_flight_.pop_front();
    ++lost_;
    lost = true;
  }
  if (lost && now - last_decrease_ > lost_after) {
    last_decrease_ = now;
    target_kbps_ = std::clamp(target_kbps_ / 2, settings_.min_kbps, settings_.max_kbps);
  }
  if (in_flight_.size() >= kMaxInFlight) return false;
  const auto interval = std::chrono::microseconds(1'000'000 / std::max<uint32_t>(fps, 1));
  const auto path_frames = uint32_t(base_rtt_ / interval) + 1;
  return in_flight_.size() < path_frames + kSlackFrames;
}

}  // namespace telepane::core::media
