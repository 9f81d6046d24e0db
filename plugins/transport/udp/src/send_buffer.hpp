// The sending side's stream bytes, from the oldest unacknowledged one to the last written: written by the owner in
// chunks, read again for retransmissions, freed once acknowledged. Acknowledgements may come out of order (a
// retransmission of old bytes can be acknowledged after newer ones), so what is acknowledged is kept as ranges and
// the bytes are freed as the acknowledged prefix grows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace telepane::transport::udp {

class SendBuffer {
 public:
  void append(std::vector<uint8_t> bytes);
  uint64_t end() const { return end_; }  // the offset after the last byte written
  // Acknowledged bytes below this offset are all freed.
  uint64_t acked_prefix() const { return prefix_; }
  std::size_t held_bytes() const { return std::size_t(end_ - prefix_); }

  // Copies [offset, offset + n), which must lie within what is held (not freed, not past end()).
  void copy(uint64_t offset, std::size_t n, uint8_t* out) const;
  void acknowledge(uint64_t offset, std::size_t n);
  // The first not yet acknowledged part of [offset, offset + n), or nullopt when all of it is.
  std::optional<std::pair<uint64_t, std::size_t>> unacked_part(uint64_t offset, std::size_t n) const;

 private:
  void release();
  struct Chunk {
    uint64_t offset;
    std::vector<uint8_t> bytes;
  };
  std::deque<Chunk> chunks_;
  std::map<uint64_t, uint64_t> acked_;  // acknowledged [start, end) above the prefix, disjoint, not adjacent
  uint64_t prefix_ = 0, end_ = 0;
};

}  // namespace telepane::transport::udp
