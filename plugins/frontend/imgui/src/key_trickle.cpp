#include "key_trickle.hpp"

namespace telepane::frontend {
namespace {
constexpr int kRelease = 0, kPress = 1;  // GLFW_RELEASE, GLFW_PRESS
}  // namespace

bool KeyTrickle::may_deliver(const Event& e) const {
  if (e.is_char || (e.change.action != kPress && e.change.action != kRelease)) return true;  // text, repeats
  if (changed_.count(e.change.key) != 0) return false;  // one change per key per frame
  return !(e.change.action == kRelease && pressed_);    // a modifier held for a key stays down for its frame
}

void KeyTrickle::deliver(const Event& e) {
  if (e.is_char) return char_(e.codepoint);
  if (e.change.action == kPress || e.change.action == kRelease) changed_.insert(e.change.key);
  pressed_ = pressed_ || e.change.action == kPress;
  key_(e.change);
}

void KeyTrickle::arrive(const Event& e) {
  if (waiting_.empty() && may_deliver(e)) return deliver(e);
  waiting_.push_back(e);  // behind whatever waits, of any key: order is what makes Ctrl+A and Enter mean anything
}

void KeyTrickle::on_key(const KeyChange& c) {
  arrive({false, c, 0});
}

void KeyTrickle::on_char(unsigned codepoint) {
  arrive({true, {}, codepoint});
}

bool KeyTrickle::frame(const std::function<void()>& new_frame) {
  while (!waiting_.empty() && may_deliver(waiting_.front())) {
    deliver(waiting_.front());
    waiting_.pop_front();
  }
  new_frame();
  changed_.clear();
  pressed_ = false;
  return !waiting_.empty();
}

}  // namespace telepane::frontend
