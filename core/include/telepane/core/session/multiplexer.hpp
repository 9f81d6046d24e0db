// Channels over one sealed link. The sender side picks what goes next: the highest priority with something
// queued (input > control > audio > video > bulk), round-robin among channels of that priority, one fragment at
// a time, so a large message on a lower priority delays a higher one by at most one fragment. Latest-wins
// channels (video, cursor) replace what is still queued instead of building a backlog.
#pragma once

#include <telepane/core/session/wire.hpp>

#include <array>
#include <deque>
#include <map>

namespace telepane::core::session {

enum class Priority : uint8_t { Input = 1, Control = 2, Audio = 3, Video = 4, Bulk = 5 };  // as tp_priority

struct ChannelPolicy {
  Priority priority = Priority::Control;
  bool latest_wins = false;                       // a new message replaces queued ones not yet started
  std::size_t max_queued_bytes = 8u << 20;        // beyond this enqueue() refuses: the caller drops or waits
  std::size_t fragment_size = kMaxRecordPayload;  // smaller for bulk, so it yields to input sooner
  std::size_t max_message = 64u << 20;            // the receiver's reassembly limit for this channel
};

class Multiplexer {
 public:
  enum class Enqueue { Queued, Replaced, Full };

  // Throws WireError for a fragment size of 0 or over kMaxRecordPayload.
  void open(uint16_t channel, ChannelPolicy policy);
  void close(uint16_t channel);
  // Throws WireError for a channel that is not open.
  Enqueue enqueue(uint16_t channel, Bytes message);
  // The next record to seal, or nullopt when every queue is empty.
  std::optional<Bytes> next_record();
  std::size_t queued_bytes() const { return total_bytes_; }

 private:
  struct Channel {
    ChannelPolicy policy;
    std::deque<Bytes> queue;
    std::size_t offset = 0;  // bytes of queue.front() already sent
    std::size_t bytes = 0;   // unsent bytes queued
  };
  std::map<uint16_t, Channel> channels_;
  std::array<int, 6> last_served_{-1, -1, -1, -1, -1, -1};  // per priority, for round-robin
  std::size_t total_bytes_ = 0;
};

// The receiving side: reassembles fragments per channel, bounded by each channel's max_message.
class Demultiplexer {
 public:
  void open(uint16_t channel, std::size_t max_message);
  // A complete message when `record` finishes one. Throws WireError for a channel that is not open or a
  // message over its channel's limit: a peer that does either is broken or hostile, and the session ends.
  std::optional<std::pair<uint16_t, Bytes>> feed(Record record);

 private:
  struct Partial {
    std::size_t max_message = 0;
    Bytes data;
  };
  std::map<uint16_t, Partial> channels_;
};

}  // namespace telepane::core::session
