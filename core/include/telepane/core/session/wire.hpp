// The session's wire format below the crypto and above the transport (docs/protocol.md):
//
//   stream transports:  [u16 BE length][Noise transport message]          one frame per sealed message
//   sealed plaintext:   [u16 BE channel][u8 flags][fragment bytes]        one record per sealed message
//
// A message larger than one record is split into fragments on its channel; flags bit 0 marks the last one.
// Fragments of different channels interleave, so a keyframe or a file block never holds up a keystroke.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace telepane::core::session {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

constexpr std::size_t kMaxNoiseMessage = 65535;
constexpr std::size_t kTagSize = 16;
constexpr std::size_t kRecordHeader = 3;
constexpr std::size_t kMaxRecordPayload = kMaxNoiseMessage - kTagSize - kRecordHeader;  // 65516
constexpr uint8_t kFlagLast = 0x01;

// A peer broke the wire format. The session ends with this reason; nothing after it is delivered.
class WireError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Splits a byte stream into frames. Bounded: holds at most one partial frame (64 KiB).
class FrameReader {
 public:
  // `min_frame`: the shortest frame accepted; sealed messages are at least a tag (16 bytes) long.
  explicit FrameReader(std::size_t min_frame = kTagSize) : min_frame_(min_frame) {}
  void set_min_frame(std::size_t n) { min_frame_ = n; }
  // Appends received bytes. Throws WireError on a frame too short to be a sealed message.
  void feed(ByteView bytes);
  // The next complete frame, if any.
  std::optional<Bytes> next();
  std::size_t buffered() const { return buffer_.size() - read_; }

 private:
  std::size_t min_frame_;
  Bytes buffer_;
  std::size_t read_ = 0;
};

// [u16 BE length][message]; throws WireError when the message does not fit in 16 bits or is shorter than
// `min_size` (a tag, for sealed messages).
Bytes frame(ByteView message, std::size_t min_size = kTagSize);

struct Record {
  uint16_t channel = 0;
  bool last = false;
  Bytes payload;
};
Bytes encode_record(uint16_t channel, bool last, ByteView payload);
// Throws WireError on a short record or unknown flag bits.
Record decode_record(ByteView plaintext);

}  // namespace telepane::core::session
