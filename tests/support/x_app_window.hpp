// An application window on a test X display that records the input it receives: what an X client on the host
// sees of the viewer's mouse and keyboard. Header-only, like xvfb.hpp.
#pragma once

#include <catch2/catch.hpp>

#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace telepane::test {

// An application window on the host's display, recording what it receives.
struct AppWindow {
  // A 200x200 window at 50,50, mapped when the constructor returns.
  Display* d;
  ::Window w;
  explicit AppWindow(const std::string& display) : d(XOpenDisplay(display.c_str())) {
    REQUIRE(d != nullptr);
    w = XCreateSimpleWindow(d, DefaultRootWindow(d), 50, 50, 200, 200, 0, 0, 0);
    XSelectInput(d, w, KeyPressMask | KeyReleaseMask | ButtonPressMask | ButtonReleaseMask | StructureNotifyMask);
    XMapWindow(d, w);
    for (XEvent e;;) {
      XNextEvent(d, &e);
      if (e.type == MapNotify) break;
    }
  }
  ~AppWindow() { XCloseDisplay(d); }
  // Events that arrive within `wait`.
  std::vector<XEvent> events(std::chrono::milliseconds wait) {
    std::vector<XEvent> out;
    const auto end = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < end) {
      while (XPending(d) > 0) {
        XEvent e;
        XNextEvent(d, &e);
        if (e.type != MapNotify && e.type != ConfigureNotify) out.push_back(e);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return out;
  }
};

// Typed text and button presses among `events`.
struct InputSeen {
  std::string typed;
  std::vector<std::pair<int, int>> presses;  // window-relative positions
  int releases = 0;
};
inline InputSeen input_seen(const std::vector<XEvent>& events) {
  InputSeen out;
  for (auto e : events) {
    if (e.type == ButtonPress) out.presses.emplace_back(e.xbutton.x, e.xbutton.y);
    if (e.type == ButtonRelease) ++out.releases;
    if (e.type == KeyPress) {
      char buf[8] = {};
      KeySym sym = 0;
      const int n = XLookupString(&e.xkey, buf, sizeof buf, &sym, nullptr);
      out.typed.append(buf, std::size_t(n));
    }
  }
  return out;
}

}  // namespace telepane::test
