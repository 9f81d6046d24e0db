#include "reliable_stream.hpp"

#include <algorithm>

namespace telepane::transport::udp {

namespace {
using namespace std::chrono_literals;
constexpr auto kInitialRtt = 100ms;
constexpr auto kPacingBurst = 1ms;              // a pacer that fell behind may catch up by this much at once
constexpr auto kMaxProbeTimeout = 2s;           // the doubling stops here
constexpr std::size_t kMinBody = 536;           // 576-byte IPv4 minimum, less the IP, UDP and link headers
constexpr uint64_t kInitialPeerWindow = 65536;  // the smallest window_bytes a peer may have
constexpr uint64_t kPacketThreshold = 3;

double seconds(ReliableStream::Duration d) {
  return std::chrono::duration<double>(d).count();
}
}  // namespace

ReliableStream::ReliableStream(Settings settings, Callbacks callbacks, Time now)
    : settings_(settings),
      cb_(std::move(callbacks)),
      congestion_(settings.max_body, kInitialRtt, now),
      peer_limit_(kInitialPeerWindow),
      delivered_at_(now),
      first_sent_at_(now),
      last_sent_at_(now),
      pace_at_(now),
      largest_received_at_(now) {}

void ReliableStream::write(std::vector<uint8_t> bytes) {
  buffer_.append(std::move(bytes));
}

bool ReliableStream::on_datagram(Kind kind, const uint8_t* body, std::size_t n, Time now) {
  if (kind == Kind::Data) return on_data(body, n, now);
  if (kind == Kind::Ack) return on_ack(body, n, now);
  return false;
}

// ---- receiving ----

bool ReliableStream::on_data(const uint8_t* body, std::size_t n, Time now) {
  if (n <= kDataOverhead) return false;
  const auto pn = get_be<uint64_t>(body);
  const auto offset = get_be<uint64_t>(body + 8);
  const std::size_t len = n - kDataOverhead;
  if (offset + len < offset) return false;
  // A sender is never this far ahead of what arrived (its window holds far fewer packets): a forged number that
  // would sit at the top of every acknowledgement is refused.
  if (pn > (received_.empty() ? 0 : received_.largest()) + kMaxPacketJump) return false;
  const bool had_gap = !reorder_.empty();
  // Bytes dropped (beyond the window) are not acknowledged either: the sender must send them again.
  if (!receive_bytes(offset, body + kDataOverhead, len)) return true;
  const bool in_order = received_.empty() || pn == received_.largest() + 1;
  const bool fresh = received_.add(pn);
  if (pn == received_.largest()) largest_received_at_ = now;
  ++unacked_packets_;
  // A hole (or its filling) is news the sender needs at once: it starts the retransmission.
  if (!in_order || !fresh || had_gap || !reorder_.empty() || unacked_packets_ >= 2)
    send_ack(now);
  else if (!ack_at_)
    ack_at_ = now + kMaxAckDelay;
  return true;
}

bool ReliableStream::receive_bytes(uint64_t offset, const uint8_t* p, std::size_t n) {
  const uint64_t end = offset + n;
  if (end <= delivered_offset_) return true;  // a copy of what was delivered
  if (offset > delivered_offset_) {
    // Ahead of a hole: kept within the window, and never more than twice it in all, each piece charged for its
    // bookkeeping too (a peer sending one-byte pieces must not cost more memory than the window allows).
    if (end > delivered_offset_ + settings_.window_bytes) return false;
    auto it = reorder_.find(offset);
    if (it != reorder_.end() && it->second.size() >= n) return true;
    const std::size_t old_cost = it == reorder_.end() ? 0 : it->second.size() + kReorderEntryCost;
    if (reorder_bytes_ - old_cost + n + kReorderEntryCost > 2 * settings_.window_bytes) return false;
    reorder_bytes_ += n + kReorderEntryCost - old_cost;
    reorder_[offset].assign(p, p + n);
    return true;
  }
  const std::size_t skip = std::size_t(delivered_offset_ - offset);
  delivered_offset_ = end;
  cb_.deliver(p + skip, n - skip);
  while (!reorder_.empty() && reorder_.begin()->first <= delivered_offset_) {
    auto node = reorder_.extract(reorder_.begin());
    reorder_bytes_ -= node.mapped().size() + kReorderEntryCost;
    const uint64_t stop = node.key() + node.mapped().size();
    if (stop <= delivered_offset_) continue;
    const std::size_t from = std::size_t(delivered_offset_ - node.key());
    delivered_offset_ = stop;
    cb_.deliver(node.mapped().data() + from, node.mapped().size() - from);
  }
  return true;
}

void ReliableStream::send_ack(Time now) {
  ack_at_.reset();
  unacked_packets_ = 0;
  if (received_.empty()) return;
  AckFrame ack;
  ack.window_limit = delivered_offset_ + settings_.window_bytes;
  ack.delay_us = uint32_t(std::chrono::duration_cast<std::chrono::microseconds>(now - largest_received_at_).count());
  ack.ranges = received_.ranges();
  const auto body = encode_ack(ack);
  cb_.send(Kind::Ack, body.data(), body.size());
}

// ---- sending ----

bool ReliableStream::on_ack(const uint8_t* body, std::size_t n, Time now) {
  const auto ack = decode_ack(body, n);
  if (!ack || next_pn_ == 0) return false;
  // Numbers never sent (a receiver fed forged datagrams reports them too) are ignored; the rest still counts.
  if (ack->ranges.back().low >= next_pn_) return false;
  peer_limit_ = std::max(peer_limit_, ack->window_limit);  // a late, older acknowledgement never shrinks it
  const uint64_t largest = std::min(ack->ranges.front().high, next_pn_ - 1);
  if (!largest_acked_ || largest > *largest_acked_) largest_acked_ = largest;

  std::size_t acked_bytes = 0;
  std::optional<Duration> rtt;
  const Sent* sample = nullptr;  // the acknowledged packet sent last: the delivery-rate sample's
  bool round_start = false;
  for (const auto& r : ack->ranges) {
    if (r.high < first_pn_) break;
    for (uint64_t pn = std::max(r.low, first_pn_); pn <= std::min(r.high, next_pn_ - 1); ++pn) {
      Sent& s = sent_[std::size_t(pn - first_pn_)];
      if (s.state == Sent::Acked) continue;
      if (s.state == Sent::InFlight) {
        in_flight_ -= s.len;
        acked_bytes += s.len;
      }
      s.state = Sent::Acked;
      buffer_.acknowledge(s.offset, s.len);
      delivered_ += s.len;
      delivered_at_ = now;
      if (!sample || s.delivered > sample->delivered) {
        sample = &s;
        first_sent_at_ = s.sent_at;
      }
      if (s.delivered >= next_round_delivered_) round_start = true;
      if (pn == ack->ranges.front().high) rtt = now - s.sent_at;
    }
  }
  if (!sample) {
    detect_losses(now);
    return true;
  }
  pto_count_ = 0;
  if (round_start) next_round_delivered_ = delivered_;
  if (app_limited_until_ && delivered_ > app_limited_until_) app_limited_until_ = 0;
  const Duration ack_delay = std::min<Duration>(std::chrono::microseconds(ack->delay_us), kMaxAckDelay);
  if (rtt) update_rtt(*rtt, ack_delay);
  detect_losses(now);

  Congestion::Ack event;
  event.acked_bytes = acked_bytes;
  event.in_flight = in_flight_;
  event.round_start = round_start;
  if (rtt) event.rtt = *rtt > ack_delay + min_rtt_ ? *rtt - ack_delay : *rtt;
  // Delivery rate: bytes delivered since the sample packet was sent, over the longer of its send and ack spans
  // (the longer one cannot be compressed by bunched acknowledgements).
  const Duration interval = std::max(sample->sent_at - sample->first_sent_at, now - sample->delivered_at);
  const auto floor = congestion_.min_rtt();
  if (interval > Duration::zero() && (!floor || interval >= *floor)) {
    event.delivery_rate = double(delivered_ - sample->delivered) / seconds(interval);
    event.app_limited = sample->app_limited;
  }
  congestion_.on_ack(event, now);

  while (!sent_.empty() && sent_.front().state != Sent::InFlight) {
    sent_.pop_front();
    ++first_pn_;
  }
  return true;
}

void ReliableStream::update_rtt(Duration sample, Duration ack_delay) {
  latest_rtt_ = sample;
  min_rtt_ = srtt_ ? std::min(min_rtt_, sample) : sample;
  if (!srtt_) {
    srtt_ = sample;
    rttvar_ = sample / 2;
    return;
  }
  const Duration adjusted = sample >= min_rtt_ + ack_delay ? sample - ack_delay : sample;
  const Duration deviation = *srtt_ > adjusted ? *srtt_ - adjusted : adjusted - *srtt_;
  rttvar_ = (3 * rttvar_ + deviation) / 4;
  srtt_ = (7 * *srtt_ + adjusted) / 8;
}

void ReliableStream::detect_losses(Time now) {
  loss_time_.reset();
  if (!largest_acked_) return;
  const Duration rtt = std::max(latest_rtt_, srtt_.value_or(kInitialRtt));
  const Duration delay = std::max<Duration>(rtt * 9 / 8, 1ms);
  for (uint64_t pn = first_pn_; pn < *largest_acked_ && pn < next_pn_; ++pn) {
    Sent& s = sent_[std::size_t(pn - first_pn_)];
    if (s.state != Sent::InFlight) continue;
    if (pn + kPacketThreshold <= *largest_acked_ || s.sent_at + delay <= now) {
      s.state = Sent::Lost;
      in_flight_ -= s.len;
      lost_.emplace_back(s.offset, s.len);
      ++stats_.packets_lost;
    } else if (!loss_time_ || s.sent_at + delay < *loss_time_) {
      loss_time_ = s.sent_at + delay;
    }
  }
}

ReliableStream::Duration ReliableStream::probe_timeout() const {
  const Duration srtt = srtt_.value_or(kInitialRtt);
  const Duration var = srtt_ ? rttvar_ : kInitialRtt / 2;
  const Duration base = srtt + std::max<Duration>(4 * var, 1ms) + kMaxAckDelay;
  return std::min<Duration>(base * (1 << std::min(pto_count_, 16)), kMaxProbeTimeout);
}

// Nothing acknowledged for a probe timeout: the tail of what was sent (or every acknowledgement) was lost. The
// oldest bytes in flight go out once more, outside the window, so an acknowledgement comes back either way.
// A packet in flight whose bytes were all acknowledged under another number (an earlier probe's copy) is taken out
// of flight here: nothing would ever acknowledge it, and a timeout with nothing to resend is not a failing path.
void ReliableStream::on_probe_timeout(Time now) {
  for (Sent& s : sent_) {
    if (s.state != Sent::InFlight) continue;
    if (auto part = buffer_.unacked_part(s.offset, s.len)) {
      ++pto_count_;
      ++stats_.probe_timeouts;
      const auto [offset, len] = *part;
      if (send_data(offset, len, now)) stats_.bytes_retransmitted += len;
      return;
    }
    s.state = Sent::Lost;
    in_flight_ -= s.len;
  }
}

std::optional<std::pair<uint64_t, std::size_t>> ReliableStream::next_range(bool* retransmission) {
  while (!lost_.empty()) {
    const auto [offset, len] = lost_.front();
    const auto part = buffer_.unacked_part(offset, len);
    if (!part) {
      lost_.pop_front();
      continue;
    }
    const std::size_t take = std::min(part->second, max_payload());
    const uint64_t rest = part->first + take, end = offset + len;
    if (rest >= end)
      lost_.pop_front();
    else
      lost_.front() = {rest, std::size_t(end - rest)};
    *retransmission = true;
    return std::pair{part->first, take};
  }
  if (next_offset_ >= buffer_.end() || next_offset_ >= peer_limit_) return std::nullopt;
  *retransmission = false;
  const auto take = std::min<uint64_t>({max_payload(), buffer_.end() - next_offset_, peer_limit_ - next_offset_});
  return std::pair{next_offset_, std::size_t(take)};
}

bool ReliableStream::send_data(uint64_t offset, std::size_t len, Time now) {
  scratch_.resize(kDataOverhead + len);
  put_be<uint64_t>(scratch_.data(), next_pn_);
  put_be<uint64_t>(scratch_.data() + 8, offset);
  buffer_.copy(offset, len, scratch_.data() + kDataOverhead);
  if (!cb_.send(Kind::Data, scratch_.data(), scratch_.size()) && settings_.max_body > kMinBody) {
    // Too large for the path (Don't Fragment): smaller datagrams from now on. At the floor it counts as sent, and
    // as lost later.
    settings_.max_body = std::max(kMinBody, settings_.max_body * 3 / 4);
    congestion_.set_max_packet(settings_.max_body);
    return false;
  }
  if (in_flight_ == 0) first_sent_at_ = delivered_at_ = now;
  Sent s;
  s.offset = offset;
  s.len = uint32_t(len);
  s.sent_at = now;
  s.delivered = delivered_;
  s.delivered_at = delivered_at_;
  s.first_sent_at = first_sent_at_;
  s.app_limited = app_limited_until_ != 0;
  if (sent_.empty()) first_pn_ = next_pn_;
  sent_.push_back(s);
  ++next_pn_;
  in_flight_ += len;
  last_sent_at_ = now;
  ++stats_.packets_sent;
  const auto gap = std::chrono::duration_cast<Duration>(
      std::chrono::duration<double>(double(len + kDataOverhead) / congestion_.pacing_rate()));
  pace_at_ = std::max(pace_at_, now - kPacingBurst) + gap;
  return true;
}

bool ReliableStream::has_data() const {
  return !lost_.empty() || (next_offset_ < buffer_.end() && next_offset_ < peer_limit_);
}

void ReliableStream::flush(Time now) {
  if (ack_at_ && *ack_at_ <= now) send_ack(now);
  if (loss_time_ && *loss_time_ <= now)
    detect_losses(now);
  else if (in_flight_ > 0 && !loss_time_ && now >= last_sent_at_ + probe_timeout())
    on_probe_timeout(now);
  for (;;) {
    if (!has_data()) {
      // Nothing to send with room in the window: rate samples until this is delivered say little about the path.
      if (in_flight_ < congestion_.window()) app_limited_until_ = std::max<uint64_t>(delivered_ + in_flight_, 1);
      return;
    }
    if (in_flight_ >= congestion_.window() || pace_at_ > now) return;
    bool retransmission = false;
    const auto range = next_range(&retransmission);
    if (!range) return;
    if (!send_data(range->first, range->second, now)) {
      if (retransmission) lost_.emplace_front(*range);
      continue;
    }
    if (retransmission)
      stats_.bytes_retransmitted += range->second;
    else
      next_offset_ = range->first + range->second;
  }
}

std::optional<ReliableStream::Time> ReliableStream::next_deadline() const {
  std::optional<Time> at;
  const auto consider = [&](std::optional<Time> t) {
    if (t && (!at || *t < *at)) at = t;
  };
  consider(ack_at_);
  consider(loss_time_);
  if (in_flight_ > 0 && !loss_time_) consider(last_sent_at_ + probe_timeout());
  if (has_data() && in_flight_ < congestion_.window()) consider(pace_at_);
  return at;
}

ReliableStream::Stats ReliableStream::stats() const {
  Stats s = stats_;
  s.srtt = srtt_.value_or(Duration::zero());
  s.window = congestion_.window();
  s.in_flight = in_flight_;
  s.held_out_of_order = reorder_bytes_;
  s.out_of_order_pieces = reorder_.size();
  s.bandwidth = congestion_.bandwidth();
  s.mode = congestion_.mode_name();
  return s;
}

}  // namespace telepane::transport::udp
