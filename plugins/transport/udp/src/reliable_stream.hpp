// Reliable ordered bytes over datagrams, one stream per link (docs/udp-transport.md says why it is ours):
//  - every DATA datagram has a packet number of its own, never reused: a retransmission goes out under a new
//    one, so an acknowledgement always says which copy arrived and every round-trip sample is exact;
//  - the receiver acknowledges ranges of packet numbers (selective acknowledgements, ack_frame.hpp), at once when
//    something is missing or arrives out of order, otherwise every second packet or after kMaxAckDelay;
//  - a packet is lost once three later ones were acknowledged or it is older than 9/8 of a round trip behind an
//    acknowledged one (RFC 9002's rules); its bytes go out again first. When acknowledgements stop altogether, a
//    probe timeout (round trip + 4 deviations, doubling) sends the oldest bytes in flight once more;
//  - congestion.hpp decides how much may be in flight and how fast to pace it;
//  - the receiver's window (the stream offset the sender may reach) bounds what the receiver buffers.
// Pure state driven by its owner: datagrams in, a clock, and callbacks that send datagrams and deliver bytes.
// Not thread-safe: the link's io thread makes every call; callbacks run inside them.
#pragma once

#include "ack_frame.hpp"
#include "congestion.hpp"
#include "send_buffer.hpp"
#include "udp_wire.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>

namespace telepane::transport::udp {

class ReliableStream {
 public:
  using Clock = std::chrono::steady_clock;
  using Time = Clock::time_point;
  using Duration = Clock::duration;

  struct Settings {
    std::size_t max_body = 1268;         // the largest datagram body (after the link header) tried first
    std::size_t window_bytes = 1 << 20;  // stream bytes this side buffers ahead of what it delivered
  };
  struct Callbacks {
    // Sends one datagram body; false when it is too large for the path (smaller ones follow).
    std::function<bool(Kind, const uint8_t*, std::size_t)> send;
    // In-order stream bytes, each exactly once.
    std::function<void(const uint8_t*, std::size_t)> deliver;
  };
  struct Stats {
    uint64_t packets_sent = 0, packets_lost = 0, bytes_retransmitted = 0, probe_timeouts = 0;
    Duration srtt{};
    std::size_t window = 0, in_flight = 0;
    std::size_t held_out_of_order = 0;    // bytes received ahead of a hole, with their bookkeeping
    std::size_t out_of_order_pieces = 0;  // how many separate pieces those are
    double bandwidth = 0;                 // bytes per second
    const char* mode = "";
  };

  static constexpr std::size_t kDataOverhead = 16;  // packet number and offset
  static constexpr auto kMaxAckDelay = std::chrono::milliseconds(5);

  ReliableStream(Settings settings, Callbacks callbacks, Time now);

  void write(std::vector<uint8_t> bytes);
  // Written but never sent yet: what a congested path has not taken.
  std::size_t unsent_bytes() const { return std::size_t(buffer_.end() - next_offset_); }
  // Every byte written was acknowledged by the peer.
  bool all_acknowledged() const { return buffer_.held_bytes() == 0; }
  // A DATA or ACK body from the peer; false when it is malformed (it is then ignored).
  bool on_datagram(Kind kind, const uint8_t* body, std::size_t n, Time now);
  // Sends what the window, pacing and the peer's window allow; answers what is due.
  void flush(Time now);
  // When flush() must run next at the latest (timers: acknowledgement, loss, probe, pacing).
  std::optional<Time> next_deadline() const;
  // True after many probe timeouts in a row: datagrams reach the peer no more (the owner ends the link).
  bool stalled() const { return pto_count_ >= kMaxProbeTimeouts; }
  Stats stats() const;

 private:
  static constexpr int kMaxProbeTimeouts = 8;
  static constexpr uint64_t kMaxPacketJump = 1 << 20;
  static constexpr std::size_t kReorderEntryCost = 64;
  struct Sent {
    uint64_t offset = 0;
    uint32_t len = 0;
    Time sent_at;
    // The delivery-rate bookkeeping at send time (Cheng et al., draft-cheng-iccrg-delivery-rate-estimation).
    uint64_t delivered = 0;
    Time delivered_at, first_sent_at;
    bool app_limited = false;
    enum State : uint8_t { InFlight, Acked, Lost } state = InFlight;
  };

  bool on_data(const uint8_t* body, std::size_t n, Time now);
  bool on_ack(const uint8_t* body, std::size_t n, Time now);
  // False when the bytes were dropped (beyond the window): they must not be acknowledged.
  bool receive_bytes(uint64_t offset, const uint8_t* p, std::size_t n);
  void send_ack(Time now);
  bool send_data(uint64_t offset, std::size_t len, Time now);
  // The next bytes to send: lost ones first, then new ones (within the peer's window); nullopt when none.
  std::optional<std::pair<uint64_t, std::size_t>> next_range(bool* retransmission);
  void acknowledge(Sent& s, Time now);
  void detect_losses(Time now);
  void on_probe_timeout(Time now);
  void update_rtt(Duration sample, Duration ack_delay);
  Duration probe_timeout() const;
  bool has_data() const;
  std::size_t max_payload() const { return settings_.max_body - kDataOverhead; }

  Settings settings_;
  Callbacks cb_;
  Congestion congestion_;
  Stats stats_;

  // Sending.
  SendBuffer buffer_;
  uint64_t next_offset_ = 0;                           // the first byte never sent
  uint64_t peer_limit_;                                // the peer's window: no byte at or past it
  std::deque<std::pair<uint64_t, std::size_t>> lost_;  // ranges to send again, oldest first
  std::deque<Sent> sent_;                              // by packet number, from first_pn_
  uint64_t first_pn_ = 0, next_pn_ = 0;
  std::optional<uint64_t> largest_acked_;
  std::size_t in_flight_ = 0;
  uint64_t delivered_ = 0;
  Time delivered_at_, first_sent_at_;
  uint64_t app_limited_until_ = 0;  // delivered count that ends the current app-limited stretch (0: none)
  uint64_t next_round_delivered_ = 0;
  std::optional<Duration> srtt_;
  Duration rttvar_{}, latest_rtt_{}, min_rtt_{};
  std::optional<Time> loss_time_;
  Time last_sent_at_;  // the newest DATA datagram
  int pto_count_ = 0;
  Time pace_at_;  // the next DATA datagram may go at this time
  std::vector<uint8_t> scratch_;

  // Receiving.
  ReceivedPackets received_;
  uint64_t delivered_offset_ = 0;                     // stream bytes handed to the owner
  std::map<uint64_t, std::vector<uint8_t>> reorder_;  // arrived ahead of delivered_offset_
  std::size_t reorder_bytes_ = 0;                     // what reorder_ holds, each entry charged kReorderEntryCost more
  Time largest_received_at_;
  int unacked_packets_ = 0;
  std::optional<Time> ack_at_;  // an acknowledgement is due at this time
};

}  // namespace telepane::transport::udp
