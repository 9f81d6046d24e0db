#include "ack_frame.hpp"

#include "udp_wire.hpp"

#include <algorithm>

namespace telepane::transport::udp {

namespace {
constexpr std::size_t kFixed = 8 + 4 + 1;
constexpr std::size_t kPerRange = 8 + 4;
}  // namespace

std::vector<uint8_t> encode_ack(const AckFrame& ack) {
  const std::size_t n = std::min(ack.ranges.size(), kMaxAckRanges);
  std::vector<uint8_t> out(kFixed + n * kPerRange);
  put_be<uint64_t>(out.data(), ack.window_limit);
  put_be<uint32_t>(out.data() + 8, ack.delay_us);
  out[12] = uint8_t(n);
  uint8_t* p = out.data() + kFixed;
  for (std::size_t i = 0; i < n; ++i, p += kPerRange) {
    const auto& r = ack.ranges[i];
    put_be<uint64_t>(p, r.high);
    put_be<uint32_t>(p + 8, uint32_t(std::min<uint64_t>(r.high - r.low + 1, UINT32_MAX)));
  }
  return out;
}

std::optional<AckFrame> decode_ack(const uint8_t* p, std::size_t n) {
  if (n < kFixed) return std::nullopt;
  AckFrame ack;
  ack.window_limit = get_be<uint64_t>(p);
  ack.delay_us = get_be<uint32_t>(p + 8);
  const std::size_t count = p[12];
  if (count == 0 || count > kMaxAckRanges || n != kFixed + count * kPerRange) return std::nullopt;
  const uint8_t* q = p + kFixed;
  for (std::size_t i = 0; i < count; ++i, q += kPerRange) {
    const uint64_t high = get_be<uint64_t>(q);
    const uint32_t length = get_be<uint32_t>(q + 8);
    if (length == 0 || length - 1 > high) return std::nullopt;
    const PacketRange r{high - (length - 1), high};
    // Newest first, with at least one packet number missing between two ranges.
    if (!ack.ranges.empty() && (r.high >= ack.ranges.back().low || r.high + 1 == ack.ranges.back().low))
      return std::nullopt;
    ack.ranges.push_back(r);
  }
  return ack;
}

bool ReceivedPackets::add(uint64_t pn) {
  for (std::size_t i = 0; i < ranges_.size(); ++i) {
    auto& r = ranges_[i];
    if (pn > r.high + 1) {  // newer than this range, not adjacent (and older ranges were passed)
      ranges_.insert(ranges_.begin() + std::ptrdiff_t(i), PacketRange{pn, pn});
      if (ranges_.size() > kMaxAckRanges) ranges_.pop_back();
      return true;
    }
    if (pn == r.high + 1) {  // the newer range (if any) starts at least two above: nothing to merge
      r.high = pn;
      return true;
    }
    if (pn >= r.low) return false;
    if (pn + 1 == r.low) {
      r.low = pn;
      if (i + 1 < ranges_.size() && ranges_[i + 1].high + 1 == pn) {
        r.low = ranges_[i + 1].low;
        ranges_.erase(ranges_.begin() + std::ptrdiff_t(i + 1));
      }
      return true;
    }
  }
  if (ranges_.size() >= kMaxAckRanges) return true;  // older than what is kept: count it as new, keep nothing
  ranges_.push_back({pn, pn});
  return true;
}

}  // namespace telepane::transport::udp
