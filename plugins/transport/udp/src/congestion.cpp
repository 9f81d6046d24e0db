#include "congestion.hpp"

#include <algorithm>
#include <array>

namespace telepane::transport::udp {

namespace {
using namespace std::chrono_literals;
constexpr double kHighGain = 2.885;  // 2/ln(2): doubles the delivery rate every round trip in startup
constexpr std::array<double, 8> kCycle = {1.25, 0.75, 1, 1, 1, 1, 1, 1};
constexpr uint64_t kBandwidthRounds = 10;
constexpr auto kMinRttWindow = 10s;
constexpr auto kProbeRttTime = 200ms;
constexpr std::size_t kInitialPackets = 10, kMinPackets = 4;
constexpr double kMinPacingRate = 16 * 1024;  // bytes per second: a floor so a stalled estimate cannot stop a link

double seconds(Congestion::Duration d) {
  return std::chrono::duration<double>(d).count();
}
}  // namespace

Congestion::Congestion(std::size_t max_packet, Duration initial_rtt, Time now)
    : mss_(max_packet),
      pacing_gain_(kHighGain),
      cwnd_gain_(kHighGain),
      cwnd_(kInitialPackets * max_packet),
      pacing_(kHighGain * double(cwnd_) / seconds(initial_rtt)),
      min_rtt_stamp_(now),
      cycle_stamp_(now) {}

double Congestion::bandwidth() const {
  double best = 0;
  for (auto& [round, bw] : bandwidth_) best = std::max(best, bw);
  return best;
}

double Congestion::bdp(double gain) const {
  const double bw = bandwidth();
  if (bw <= 0 || !min_rtt_) return gain * double(kInitialPackets * mss_);
  return gain * bw * seconds(*min_rtt_);
}

const char* Congestion::mode_name() const {
  switch (mode_) {
    case Mode::Startup: return "startup";
    case Mode::Drain: return "drain";
    case Mode::ProbeBandwidth: return "probe-bandwidth";
    case Mode::ProbeRtt: return "probe-rtt";
  }
  return "?";
}

void Congestion::on_ack(const Ack& ack, Time now) {
  if (ack.round_start) ++round_;
  update_bandwidth(ack);
  update_min_rtt(ack, now);
  update_mode(ack, now);
  update_window(ack);
  const double bw = bandwidth();
  if (bw > 0) pacing_ = std::max(kMinPacingRate, pacing_gain_ * bw);
}

// A sample taken while the sender had too little to send says only that the path carries at least that much; it
// may raise the estimate, never lower it.
void Congestion::update_bandwidth(const Ack& ack) {
  while (!bandwidth_.empty() && bandwidth_.front().first + kBandwidthRounds <= round_) bandwidth_.pop_front();
  if (!ack.delivery_rate || *ack.delivery_rate <= 0) return;
  if (ack.app_limited && *ack.delivery_rate < bandwidth()) return;
  if (!bandwidth_.empty() && bandwidth_.back().first == round_)
    bandwidth_.back().second = std::max(bandwidth_.back().second, *ack.delivery_rate);
  else
    bandwidth_.emplace_back(round_, *ack.delivery_rate);
}

void Congestion::update_min_rtt(const Ack& ack, Time now) {
  if (!ack.rtt) return;
  recent_min_rtt_ = recent_min_rtt_ ? std::min(*recent_min_rtt_, *ack.rtt) : *ack.rtt;
  if (!min_rtt_ || *ack.rtt <= *min_rtt_) {
    min_rtt_ = ack.rtt;
    min_rtt_stamp_ = now;
    recent_min_rtt_.reset();
    return;
  }
  if (mode_ == Mode::ProbeRtt || now - min_rtt_stamp_ <= kMinRttWindow) return;
  if (ack.app_limited) {
    // Ten seconds without a lower sample, but this link leaves the path idle between its writes (video): no
    // queue of its own stands in the way, so the lowest sample of those ten seconds is the path's round trip
    // now. Probing would only hold frames back.
    min_rtt_ = recent_min_rtt_;
    min_rtt_stamp_ = now;
    recent_min_rtt_.reset();
    return;
  }
  // Ten seconds without a lower sample while the link kept the path busy: the queue may never have drained, or
  // the path got longer. Hold the window low for a moment so the queue drains, and take the lowest sample of that
  // time as the new minimum (half a BDP rather than BBR's four packets keeps data flowing meanwhile).
  mode_ = Mode::ProbeRtt;
  pacing_gain_ = 1;
  cwnd_gain_ = 1;
  recent_min_rtt_ = *ack.rtt;
  probe_rtt_done_.reset();
  probe_rtt_entered_ = now;
}

void Congestion::update_mode(const Ack& ack, Time now) {
  // The pipe is full once three round trips in a row did not raise the bandwidth by a quarter.
  if (!pipe_full_ && ack.round_start && !ack.app_limited) {
    const double bw = bandwidth();
    if (bw >= full_bandwidth_ * 1.25) {
      full_bandwidth_ = bw;
      rounds_without_growth_ = 0;
    } else if (++rounds_without_growth_ >= 3) {
      pipe_full_ = true;
    }
  }
  const auto enter_probe_bandwidth = [&] {
    mode_ = Mode::ProbeBandwidth;
    cycle_ = 2 + round_ % 6;  // start at a neutral phase; never in the draining one
    cycle_stamp_ = now;
    pacing_gain_ = kCycle[cycle_];
    cwnd_gain_ = 2;
  };
  switch (mode_) {
    case Mode::Startup:
      if (pipe_full_) {
        mode_ = Mode::Drain;
        pacing_gain_ = 1 / kHighGain;
        cwnd_gain_ = kHighGain;
      }
      break;
    case Mode::Drain:
      if (double(ack.in_flight) <= bdp(1)) enter_probe_bandwidth();
      break;
    case Mode::ProbeBandwidth:
      if (min_rtt_ && now - cycle_stamp_ > *min_rtt_) {
        cycle_ = (cycle_ + 1) % kCycle.size();
        cycle_stamp_ = now;
        pacing_gain_ = kCycle[cycle_];
      }
      break;
    case Mode::ProbeRtt:
      if (!probe_rtt_done_ && double(ack.in_flight) <= std::max(bdp(0.5), double(kMinPackets * mss_)))
        probe_rtt_done_ = now + kProbeRttTime;
      if (probe_rtt_done_ && now >= *probe_rtt_done_) {
        // A sample at or below the old minimum during the probe already set it; otherwise the probe's lowest.
        if (min_rtt_stamp_ < probe_rtt_entered_ && recent_min_rtt_) min_rtt_ = recent_min_rtt_;
        min_rtt_stamp_ = now;
        recent_min_rtt_.reset();
        if (pipe_full_) {
          enter_probe_bandwidth();
        } else {
          mode_ = Mode::Startup;
          pacing_gain_ = cwnd_gain_ = kHighGain;
        }
      }
      break;
  }
}

void Congestion::update_window(const Ack& ack) {
  const auto floor = kMinPackets * mss_;
  if (mode_ == Mode::ProbeRtt) {
    cwnd_ = std::max(floor, std::min(cwnd_, std::size_t(bdp(0.5))));
    return;
  }
  const auto target = std::size_t(bdp(cwnd_gain_)) + 3 * mss_;
  if (pipe_full_)
    cwnd_ = std::min(cwnd_ + ack.acked_bytes, target);
  else if (cwnd_ < target || cwnd_ < kInitialPackets * mss_)
    cwnd_ += ack.acked_bytes;
  cwnd_ = std::max(cwnd_, floor);
}

}  // namespace telepane::transport::udp
