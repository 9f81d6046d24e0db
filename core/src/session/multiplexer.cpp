#include <telepane/core/session/multiplexer.hpp>

#include <utility>

namespace telepane::core::session {

void Multiplexer::open(uint16_t channel, ChannelPolicy policy) {
  if (policy.fragment_size == 0 || policy.fragment_size > kMaxRecordPayload)
    throw WireError("fragment size must be 1.." + std::to_string(kMaxRecordPayload));
  close(channel);
  channels_[channel].policy = policy;
}

void Multiplexer::close(uint16_t channel) {
  auto it = channels_.find(channel);
  if (it == channels_.end()) return;
  total_bytes_ -= it->second.bytes;
  channels_.erase(it);
}

Multiplexer::Enqueue Multiplexer::enqueue(uint16_t channel, Bytes message) {
  auto it = channels_.find(channel);
  if (it == channels_.end()) throw WireError("channel " + std::to_string(channel) + " is not open");
  Channel& c = it->second;
  Enqueue result = Enqueue::Queued;
  if (c.policy.latest_wins) {
    // Keep a message already half sent (the receiver is reassembling it); drop the stale ones behind it.
    const std::size_t keep = c.offset > 0 ? 1 : 0;
    while (c.queue.size() > keep) {
      const std::size_t stale = c.queue.back().size();
      c.bytes -= stale;
      total_bytes_ -= stale;
      c.queue.pop_back();
      result = Enqueue::Replaced;
    }
  }
  if (c.bytes + message.size() > c.policy.max_queued_bytes && !c.queue.empty()) return Enqueue::Full;
  c.bytes += message.size();
  total_bytes_ += message.size();
  c.queue.push_back(std::move(message));
  return result;
}

std::optional<Bytes> Multiplexer::next_record() {
  for (int p = int(Priority::Input); p <= int(Priority::Bulk); ++p) {
    // Round-robin: the first channel of this priority with work after the one served last.
    Channel* chosen = nullptr;
    uint16_t chosen_id = 0;
    for (int pass = 0; pass < 2 && chosen == nullptr; ++pass) {
      for (auto& [id, c] : channels_) {
        if (int(c.policy.priority) != p || c.queue.empty()) continue;
        if (pass == 0 && int(id) <= last_served_[std::size_t(p)]) continue;
        chosen = &c;
        chosen_id = id;
        break;
      }
    }
    if (chosen == nullptr) continue;
    last_served_[std::size_t(p)] = chosen_id;
    const Bytes& msg = chosen->queue.front();
    const std::size_t n = std::min(chosen->policy.fragment_size, msg.size() - chosen->offset);
    const bool last = chosen->offset + n == msg.size();
    Bytes record = encode_record(chosen_id, last, ByteView(msg).subspan(chosen->offset, n));
    chosen->offset += n;
    chosen->bytes -= n;
    total_bytes_ -= n;
    if (last) {
      chosen->queue.pop_front();
      chosen->offset = 0;
    }
    return record;
  }
  return std::nullopt;
}

void Demultiplexer::open(uint16_t channel, std::size_t max_message) {
  channels_[channel] = Partial{max_message, {}};
}

std::optional<std::pair<uint16_t, Bytes>> Demultiplexer::feed(Record record) {
  auto it = channels_.find(record.channel);
  if (it == channels_.end())
    throw WireError("data on channel " + std::to_string(record.channel) + ", which is not open");
  Partial& p = it->second;
  if (p.data.size() + record.payload.size() > p.max_message)
    throw WireError("a message on channel " + std::to_string(record.channel) + " exceeds its limit of " +
                    std::to_string(p.max_message) + " bytes");
  if (p.data.empty()) {
    p.data = std::move(record.payload);
  } else {
    p.data.insert(p.data.end(), record.payload.begin(), record.payload.end());
  }
  if (!record.last) return std::nullopt;
  return std::make_pair(record.channel, std::exchange(p.data, {}));
}

}  // namespace telepane::core::session
