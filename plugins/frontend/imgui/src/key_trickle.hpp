// The keyboard handed to ImGui in order, at a pace its frames can read. ImGui 1.86 reads keys as a "down" array at
// each new frame, with Ctrl and the other modifiers read from it live, so on a slow frame (a software rasteriser
// under load) or with keys from a tool: a key pressed and released between two frames was never down as far as it
// knows (Enter lost), and Ctrl let go before the frame that reads A turns Ctrl+A into A. So a frame reads at most
// one change per key, a release after a press waits for the next frame, and the characters typed keep their place
// among the keys (the text typed before Enter is in the box when Enter is read, and none after it).
#pragma once

#include <deque>
#include <functional>
#include <set>

namespace telepane::frontend {

struct KeyChange {
  int key = 0, scancode = 0, action = 0, mods = 0;  // as GLFW's key callback gives them
};

class KeyTrickle {
 public:
  // `key` and `character` hand an event to ImGui (its GLFW backend's key and char callbacks).
  KeyTrickle(std::function<void(const KeyChange&)> key, std::function<void(unsigned)> character)
      : key_(std::move(key)), char_(std::move(character)) {}

  // [main thread, inside GLFW's callbacks] Delivered now, or in order after the events waiting before them.
  void on_key(const KeyChange& c);
  void on_char(unsigned codepoint);

  // [main thread] Starts a frame: the waiting events this frame may read are delivered, in order, up to the first
  // that must wait; then `new_frame` (ImGui::NewFrame) reads them. True when events still wait, so another frame
  // must be drawn.
  bool frame(const std::function<void()>& new_frame);

 private:
  struct Event {
    bool is_char = false;
    KeyChange change;
    unsigned codepoint = 0;
  };
  bool may_deliver(const Event& e) const;
  void deliver(const Event& e);
  void arrive(const Event& e);

  std::function<void(const KeyChange&)> key_;
  std::function<void(unsigned)> char_;
  std::set<int> changed_;  // keys that changed since the last new frame
  bool pressed_ = false;   // a key went down since the last new frame
  std::deque<Event> waiting_;
};

}  // namespace telepane::frontend
