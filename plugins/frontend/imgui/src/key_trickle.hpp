// Key changes handed to ImGui at most one per key per frame. ImGui 1.86 reads the keyboard as a "down" array at
// each new frame, so a key pressed and released between two frames (a quick tap while a slow frame is drawn, or
// Enter and Ctrl+A from a tool) was never down as far as it knows, and the tap is lost. Text arrives separately and
// queued, so typing survives slow frames; only keys need this.
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
  // `deliver` hands a change to ImGui (its GLFW backend's key callback).
  explicit KeyTrickle(std::function<void(const KeyChange&)> deliver) : deliver_(std::move(deliver)) {}

  // [main thread, inside GLFW's key callback] Delivers now, or after the frames the key's earlier changes need.
  void on_key(const KeyChange& c);

  // [main thread, right after ImGui::NewFrame] The frame has read this frame's changes: each waiting key gets its
  // next one. True when one was delivered, so another frame must be drawn to read it.
  bool next_frame();

  bool waiting() const { return !waiting_.empty(); }

 private:
  std::function<void(const KeyChange&)> deliver_;
  std::set<int> changed_;  // keys that changed since the last new frame
  std::deque<KeyChange> waiting_;
};

}  // namespace telepane::frontend
