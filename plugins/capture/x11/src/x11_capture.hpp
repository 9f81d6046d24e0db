// Screen capture from an X server: XShm grabs of one monitor (XRandR), XDamage so that only a changed screen
// produces frames, and the monitor's geometry followed when the screen is resized. BGRA frames (X's 32-bit
// ZPixmap on little-endian: B G R X).
#pragma once

#include <telepane/sdk/sdk.hpp>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xfixes.h>

#include <string>
#include <vector>

namespace telepane::x11 {

struct Monitor {
  int x = 0, y = 0;
  uint32_t width = 0, height = 0;
  std::string name;
};

class X11Capture {
 public:
  // `display_name` empty: $DISPLAY. Throws sdk::Error naming the display and what is missing.
  X11Capture(const std::string& display_name, uint32_t monitor_index);
  ~X11Capture();
  X11Capture(const X11Capture&) = delete;
  X11Capture& operator=(const X11Capture&) = delete;

  // False when the screen did not change within timeout_us.
  bool grab(int64_t timeout_us, tp_frame& frame);  // [capture thread]
  // The pointer now (XFixes), relative to the captured monitor; the shape is converted only when it changed.
  void cursor(tp_cursor& out);  // [capture thread]

 private:
  void find_monitors();
  void make_image();
  void free_image();
  // Drains pending events; true when something in our monitor changed (damage_ collects the rects).
  bool collect_events();

  Display* dpy_ = nullptr;
  Window root_ = 0;
  uint32_t index_;
  std::vector<Monitor> monitors_;
  Monitor mon_;
  int damage_event_ = 0, damage_error_ = 0, randr_event_ = 0;
  bool have_randr_ = false;
  Damage damage_ = 0;
  XShmSegmentInfo shm_{};
  XImage* image_ = nullptr;
  bool first_ = true;
  bool geometry_changed_ = false;
  std::vector<tp_rect> damage_rects_;
  unsigned long cursor_serial_ = 0;
  uint32_t cursor_w_ = 0, cursor_h_ = 0, cursor_hot_x_ = 0, cursor_hot_y_ = 0;
  std::vector<uint8_t> cursor_pixels_;
};

}  // namespace telepane::x11
