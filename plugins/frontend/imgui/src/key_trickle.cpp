#include "key_trickle.hpp"

#include <algorithm>

namespace telepane::frontend {

void KeyTrickle::on_key(const KeyChange& c) {
  const bool behind = std::any_of(waiting_.begin(), waiting_.end(), [&](const KeyChange& w) { return w.key == c.key; });
  if (behind || changed_.count(c.key) != 0) {
    waiting_.push_back(c);
    return;
  }
  changed_.insert(c.key);
  deliver_(c);
}

bool KeyTrickle::next_frame() {
  changed_.clear();
  std::deque<KeyChange> later;
  bool delivered = false;
  for (const auto& c : waiting_) {
    if (changed_.count(c.key) != 0) {
      later.push_back(c);
      continue;
    }
    changed_.insert(c.key);
    deliver_(c);
    delivered = true;
  }
  waiting_ = std::move(later);
  return delivered;
}

}  // namespace telepane::frontend
