// Congestion control for a udp link, after BBR (Cardwell et al., "BBR: Congestion-Based Congestion Control",
// ACM Queue 2016): it models the path by its bottleneck bandwidth (the highest delivery rate seen over the last
// ten round trips) and its propagation round trip (the lowest seen over ten seconds), paces sending at that
// bandwidth and keeps about two bandwidth-delay products in flight. Random loss does not move either estimate, so
// a path that drops 2% of datagrams keeps its rate, where a loss-driven controller (TCP Reno, pseudo-TCP) halves
// its window on each loss. The cap of two BDPs bounds the queue it builds; flows sharing a bottleneck converge to
// fair shares because each one's probing (a quarter more for one round trip in eight) takes bandwidth from flows
// above their share. Pure state, no I/O or clock of its own: the stream calls it on every acknowledgement.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace telepane::transport::udp {

class Congestion {
 public:
  using Time = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::steady_clock::duration;

  struct Ack {
    std::size_t acked_bytes = 0;
    std::size_t in_flight = 0;            // after this acknowledgement
    std::optional<double> delivery_rate;  // bytes per second, when the acknowledgement gave a sample
    bool app_limited = false;             // the sample was taken while the sender had too little to send
    std::optional<Duration> rtt;          // a round-trip sample, the receiver's delay taken out
    bool round_start = false;             // the packet acknowledged was sent after the last round began
  };

  Congestion(std::size_t max_packet, Duration initial_rtt, Time now);
  void on_ack(const Ack& ack, Time now);
  void set_max_packet(std::size_t bytes) { mss_ = bytes; }

  std::size_t window() const { return cwnd_; }    // bytes that may be in flight
  double pacing_rate() const { return pacing_; }  // bytes per second
  double bandwidth() const;                       // the bottleneck estimate; 0 before the first sample
  std::optional<Duration> min_rtt() const { return min_rtt_; }
  const char* mode_name() const;

 private:
  enum class Mode { Startup, Drain, ProbeBandwidth, ProbeRtt };
  double bdp(double gain) const;
  void update_bandwidth(const Ack& ack);
  void update_min_rtt(const Ack& ack, Time now);
  void update_mode(const Ack& ack, Time now);
  void update_window(const Ack& ack);

  std::size_t mss_;
  Mode mode_ = Mode::Startup;
  double pacing_gain_, cwnd_gain_;
  std::size_t cwnd_;
  double pacing_;
  uint64_t round_ = 0;
  std::deque<std::pair<uint64_t, double>> bandwidth_;  // the highest sample of each of the last rounds
  std::optional<Duration> min_rtt_;
  Time min_rtt_stamp_;
  bool pipe_full_ = false;
  double full_bandwidth_ = 0;
  int rounds_without_growth_ = 0;
  std::size_t cycle_ = 0;
  Time cycle_stamp_;
  std::optional<Time> probe_rtt_done_;
  Time probe_rtt_entered_;
  std::optional<Duration> recent_min_rtt_;  // the lowest sample since the minimum was last set
};

}  // namespace telepane::transport::udp
