#include "send_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace telepane::transport::udp {

void SendBuffer::append(std::vector<uint8_t> bytes) {
  if (bytes.empty()) return;
  const uint64_t at = end_;
  end_ += bytes.size();
  chunks_.push_back({at, std::move(bytes)});
}

void SendBuffer::copy(uint64_t offset, std::size_t n, uint8_t* out) const {
  auto it =
      std::upper_bound(chunks_.begin(), chunks_.end(), offset, [](uint64_t o, const Chunk& c) { return o < c.offset; });
  --it;  // the chunk holding `offset`: the first chunk starts at or below every held offset
  while (n > 0) {
    const std::size_t from = std::size_t(offset - it->offset);
    const std::size_t take = std::min(n, it->bytes.size() - from);
    std::memcpy(out, it->bytes.data() + from, take);
    out += take;
    offset += take;
    n -= take;
    ++it;
  }
}

void SendBuffer::acknowledge(uint64_t offset, std::size_t n) {
  uint64_t start = std::max(offset, prefix_), stop = offset + n;
  if (start >= stop) return;
  // Merge with every range that overlaps or touches [start, stop).
  auto it = acked_.upper_bound(start);
  if (it != acked_.begin() && std::prev(it)->second >= start) --it;
  while (it != acked_.end() && it->first <= stop) {
    start = std::min(start, it->first);
    stop = std::max(stop, it->second);
    it = acked_.erase(it);
  }
  acked_.emplace(start, stop);
  release();
}

std::optional<std::pair<uint64_t, std::size_t>> SendBuffer::unacked_part(uint64_t offset, std::size_t n) const {
  uint64_t start = std::max(offset, prefix_);
  const uint64_t stop = offset + n;
  auto it = acked_.upper_bound(start);
  if (it != acked_.begin() && std::prev(it)->second > start) start = std::prev(it)->second;
  if (start >= stop) return std::nullopt;
  const uint64_t until = it != acked_.end() ? std::min(stop, it->first) : stop;
  return std::pair{start, std::size_t(until - start)};
}

void SendBuffer::release() {
  auto first = acked_.begin();
  if (first == acked_.end() || first->first > prefix_) return;
  prefix_ = first->second;
  acked_.erase(first);
  while (!chunks_.empty() && chunks_.front().offset + chunks_.front().bytes.size() <= prefix_) chunks_.pop_front();
}

}  // namespace telepane::transport::udp
