// The host's end of the clipboard service: the X11 CLIPBOARD selection as text. A thread of its own with its own
// X connection and an unmapped window: it notices when an application takes the clipboard (XFixes) and reads the
// text, and when the viewer sends text it takes the clipboard and serves applications that paste.
#pragma once

#include <X11/Xlib.h>

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace telepane::clipboard {

class X11Clipboard {
 public:
  using OnText = std::function<void(const std::string&)>;  // [the clipboard thread]
  // `display` empty: $DISPLAY. Throws std::runtime_error naming the display or the missing extension.
  X11Clipboard(const std::string& display, std::size_t max_bytes, OnText on_copied);
  ~X11Clipboard();  // stops and joins the thread
  X11Clipboard(const X11Clipboard&) = delete;
  X11Clipboard& operator=(const X11Clipboard&) = delete;

  // Makes `text` what applications paste. [any thread]
  void set(const std::string& text);

 private:
  void run();
  void handle(XEvent& e);
  void serve(const XSelectionRequestEvent& req);
  void wake();

  Display* dpy_ = nullptr;
  Window window_ = 0;
  Atom clipboard_ = 0, utf8_ = 0, targets_ = 0, property_ = 0;
  int fixes_event_ = 0;
  std::size_t max_bytes_;
  OnText on_copied_;
  int wake_[2] = {-1, -1};
  std::mutex mu_;
  std::optional<std::string> to_own_;  // set() hands text to the thread
  bool stop_ = false;
  std::string owned_;   // [thread] what we serve while we own the clipboard
  bool owner_ = false;  // [thread]
  std::thread thread_;
};

}  // namespace telepane::clipboard
