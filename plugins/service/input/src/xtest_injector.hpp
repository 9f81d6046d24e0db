// Puts a viewer's input into an X display with XTest, as if it came from this machine's own mouse and keyboard.
#pragma once

#include <telepane/sdk/input_events.hpp>

#include <X11/Xlib.h>

#include <set>
#include <string>

namespace telepane::input {
using namespace telepane::sdk::input;  // the events it injects

class XTestInjector {
 public:
  // `display` empty: $DISPLAY. Throws std::runtime_error naming the display or the missing extension.
  explicit XTestInjector(const std::string& display);
  ~XTestInjector();  // releases keys and buttons still held: a dropped session leaves nothing stuck
  XTestInjector(const XTestInjector&) = delete;
  XTestInjector& operator=(const XTestInjector&) = delete;

  // False (with `why`) for a keysym this keyboard map cannot type. [session thread] never blocks on the server.
  bool inject(const Event& e, std::string& why);

 private:
  Display* dpy_ = nullptr;
  std::set<unsigned> keys_down_;
  std::set<unsigned> buttons_down_;
};

}  // namespace telepane::input
