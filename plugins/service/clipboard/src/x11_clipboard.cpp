#include "x11_clipboard.hpp"

#include <X11/Xatom.h>
#include <X11/extensions/Xfixes.h>
#include <poll.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace telepane::clipboard {

X11Clipboard::X11Clipboard(const std::string& display, std::size_t max_bytes, OnText on_copied)
    : max_bytes_(max_bytes), on_copied_(std::move(on_copied)) {
  dpy_ = XOpenDisplay(display.empty() ? nullptr : display.c_str());
  if (dpy_ == nullptr)
    throw std::runtime_error(
        "clipboard: cannot open X display '" +
        (display.empty() ? std::string(std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "") : display) + "'");
  int error = 0;
  if (!XFixesQueryExtension(dpy_, &fixes_event_, &error)) {
    XCloseDisplay(dpy_);
    throw std::runtime_error("clipboard: the X server has no XFIXES extension");
  }
  window_ = XCreateSimpleWindow(dpy_, DefaultRootWindow(dpy_), 0, 0, 1, 1, 0, 0, 0);
  clipboard_ = XInternAtom(dpy_, "CLIPBOARD", False);
  utf8_ = XInternAtom(dpy_, "UTF8_STRING", False);
  targets_ = XInternAtom(dpy_, "TARGETS", False);
  property_ = XInternAtom(dpy_, "TELEPANE_CLIPBOARD", False);
  XFixesSelectSelectionInput(dpy_, window_, clipboard_, XFixesSetSelectionOwnerNotifyMask);
  XSelectInput(dpy_, window_, PropertyChangeMask);
  XFlush(dpy_);
  if (pipe(wake_) != 0) {
    XCloseDisplay(dpy_);
    throw std::runtime_error("clipboard: cannot create a pipe");
  }
  thread_ = std::thread([this] { run(); });
}

X11Clipboard::~X11Clipboard() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake();
  thread_.join();
  close(wake_[0]);
  close(wake_[1]);
  XDestroyWindow(dpy_, window_);
  XCloseDisplay(dpy_);
}

void X11Clipboard::wake() {
  const char c = 1;
  (void)!write(wake_[1], &c, 1);
}

void X11Clipboard::set(const std::string& text) {
  {
    std::lock_guard lock(mu_);
    to_own_ = text;
  }
  wake();
}

void X11Clipboard::run() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
      if (to_own_) {
        owned_ = std::move(*to_own_);
        to_own_.reset();
        XSetSelectionOwner(dpy_, clipboard_, window_, CurrentTime);
        owner_ = XGetSelectionOwner(dpy_, clipboard_) == window_;
        XFlush(dpy_);
      }
    }
    while (XPending(dpy_) > 0) {
      XEvent e;
      XNextEvent(dpy_, &e);
      handle(e);
    }
    pollfd fds[2] = {{ConnectionNumber(dpy_), POLLIN, 0}, {wake_[0], POLLIN, 0}};
    poll(fds, 2, 1000);
    if (fds[1].revents & POLLIN) {
      char buf[64];
      (void)!read(wake_[0], buf, sizeof buf);
    }
  }
}

void X11Clipboard::handle(XEvent& e) {
  if (e.type == fixes_event_ + XFixesSelectionNotify) {
    const auto& n = reinterpret_cast<XFixesSelectionNotifyEvent&>(e);
    if (n.owner == window_ || n.owner == None) return;  // our own copy, or nobody
    owner_ = false;
    // An application copied: ask it for the text; the answer comes as a SelectionNotify.
    XConvertSelection(dpy_, clipboard_, utf8_, property_, window_, CurrentTime);
    XFlush(dpy_);
  } else if (e.type == SelectionNotify) {
    if (e.xselection.property == None) return;  // no text on offer
    Atom type = 0;
    int format = 0;
    unsigned long count = 0, after = 0;
    unsigned char* data = nullptr;
    const long max_words = long(max_bytes_ / 4 + 1);
    if (XGetWindowProperty(dpy_, window_, property_, 0, max_words, True, AnyPropertyType, &type, &format, &count,
                           &after, &data) == Success &&
        data != nullptr) {
      if (type == utf8_ && format == 8 && after == 0 && count <= max_bytes_)
        on_copied_(std::string(reinterpret_cast<char*>(data), count));
      XFree(data);
    }
  } else if (e.type == SelectionRequest) {
    serve(e.xselectionrequest);
  } else if (e.type == SelectionClear) {
    owner_ = false;
  }
}

// An application pastes: hand it our text (or the list of targets we offer).
void X11Clipboard::serve(const XSelectionRequestEvent& req) {
  XSelectionEvent reply{};
  reply.type = SelectionNotify;
  reply.display = req.display;
  reply.requestor = req.requestor;
  reply.selection = req.selection;
  reply.target = req.target;
  reply.time = req.time;
  reply.property = None;
  const Atom property = req.property == None ? req.target : req.property;
  if (owner_ && req.target == targets_) {
    const Atom offered[] = {targets_, utf8_, XA_STRING};
    XChangeProperty(dpy_, req.requestor, property, XA_ATOM, 32, PropModeReplace,
                    reinterpret_cast<const unsigned char*>(offered), 3);
    reply.property = property;
  } else if (owner_ && (req.target == utf8_ || req.target == XA_STRING)) {
    XChangeProperty(dpy_, req.requestor, property, req.target, 8, PropModeReplace,
                    reinterpret_cast<const unsigned char*>(owned_.data()), int(owned_.size()));
    reply.property = property;
  }
  XSendEvent(dpy_, req.requestor, False, 0, reinterpret_cast<XEvent*>(&reply));
  XFlush(dpy_);
}

}  // namespace telepane::clipboard
