#include "xtest_injector.hpp"

#include <X11/extensions/XTest.h>

#include <cstdlib>
#include <stdexcept>

namespace telepane::input {

XTestInjector::XTestInjector(const std::string& display) {
  dpy_ = XOpenDisplay(display.empty() ? nullptr : display.c_str());
  if (dpy_ == nullptr)
    throw std::runtime_error(
        "input: cannot open X display '" +
        (display.empty() ? std::string(std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "") : display) + "'");
  int event = 0, error = 0, major = 0, minor = 0;
  if (!XTestQueryExtension(dpy_, &event, &error, &major, &minor)) {
    XCloseDisplay(dpy_);
    throw std::runtime_error("input: the X server has no XTEST extension");
  }
}

XTestInjector::~XTestInjector() {
  for (unsigned k : keys_down_) XTestFakeKeyEvent(dpy_, k, False, CurrentTime);
  for (unsigned b : buttons_down_) XTestFakeButtonEvent(dpy_, b, False, CurrentTime);
  XFlush(dpy_);
  XCloseDisplay(dpy_);
}

bool XTestInjector::inject(const Event& e, std::string& why) {
  if (auto* m = std::get_if<PointerMove>(&e)) {
    XTestFakeMotionEvent(dpy_, -1, m->x, m->y, CurrentTime);
  } else if (auto* b = std::get_if<Button>(&e)) {
    XTestFakeButtonEvent(dpy_, b->button, b->down ? True : False, CurrentTime);
    if (b->down)
      buttons_down_.insert(b->button);
    else
      buttons_down_.erase(b->button);
  } else if (auto* w = std::get_if<Wheel>(&e)) {
    // X wheels are buttons: 4 up, 5 down, 6 left, 7 right; one press and release a notch.
    auto click = [&](unsigned button, int notches) {
      for (int i = 0; i < notches; ++i) {
        XTestFakeButtonEvent(dpy_, button, True, CurrentTime);
        XTestFakeButtonEvent(dpy_, button, False, CurrentTime);
      }
    };
    click(w->dy < 0 ? 4 : 5, std::abs(w->dy));
    click(w->dx < 0 ? 6 : 7, std::abs(w->dx));
  } else if (auto* k = std::get_if<Key>(&e)) {
    const KeyCode code = XKeysymToKeycode(dpy_, k->keysym);
    if (code == 0) {
      why = "no key types keysym " + std::to_string(k->keysym) + " on this keyboard map";
      return false;
    }
    XTestFakeKeyEvent(dpy_, code, k->down ? True : False, CurrentTime);
    if (k->down)
      keys_down_.insert(code);
    else
      keys_down_.erase(code);
  }
  XFlush(dpy_);  // queued for the server; never waits for it
  return true;
}

}  // namespace telepane::input
