// What a receiver tells the sender in an ACK datagram: the packet numbers it has seen (as ranges, newest first, so
// one lost acknowledgement costs nothing: the next repeats it), how long it held the newest before answering (so
// the sender's round-trip samples leave that out), and how far into the stream the sender may send (flow control).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace telepane::transport::udp {

struct PacketRange {
  uint64_t low = 0, high = 0;  // inclusive
  bool operator==(const PacketRange&) const = default;
};

struct AckFrame {
  uint64_t window_limit = 0;        // the sender may send stream bytes below this offset
  uint32_t delay_us = 0;            // time between receiving ranges[0].high and sending this
  std::vector<PacketRange> ranges;  // newest first, disjoint, not adjacent; at least one
};

constexpr std::size_t kMaxAckRanges = 32;

// The datagram body (after the link header). At most kMaxAckRanges ranges are written: the newest.
std::vector<uint8_t> encode_ack(const AckFrame& ack);
// nullopt for a body that is not a well-formed ACK (lengths, order, empty or overlapping ranges).
std::optional<AckFrame> decode_ack(const uint8_t* p, std::size_t n);

// The packet numbers a receiver has seen, as ranges, newest first. Only the newest kMaxAckRanges are kept: a packet
// older than those was acknowledged many times over, and if every acknowledgement was lost the sender has already
// sent its bytes again under a new number.
class ReceivedPackets {
 public:
  // Records a packet number; false when it was seen before (within the kept ranges).
  bool add(uint64_t pn);
  const std::vector<PacketRange>& ranges() const { return ranges_; }
  bool empty() const { return ranges_.empty(); }
  uint64_t largest() const { return ranges_.empty() ? 0 : ranges_.front().high; }

 private:
  std::vector<PacketRange> ranges_;
};

}  // namespace telepane::transport::udp
