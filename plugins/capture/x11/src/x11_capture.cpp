#include "x11_capture.hpp"

#include <X11/extensions/Xrandr.h>
#include <poll.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <algorithm>
#include <chrono>

namespace telepane::x11 {
using sdk::Error;

namespace {
// Xlib reports protocol errors through a process-wide handler; a failed XShmAttach must not end the process.
int quiet_errors(Display*, XErrorEvent*) {
  return 0;
}

bool intersect(const tp_rect& a, const Monitor& m, tp_rect& out) {
  const int x0 = std::max(a.x, m.x), y0 = std::max(a.y, m.y);
  const int x1 = std::min(a.x + int(a.width), m.x + int(m.width));
  const int y1 = std::min(a.y + int(a.height), m.y + int(m.height));
  if (x1 <= x0 || y1 <= y0) return false;
  out = {x0 - m.x, y0 - m.y, uint32_t(x1 - x0), uint32_t(y1 - y0)};
  return true;
}
}  // namespace

X11Capture::X11Capture(const std::string& display_name, uint32_t monitor_index) : index_(monitor_index) {
  dpy_ = XOpenDisplay(display_name.empty() ? nullptr : display_name.c_str());
  if (dpy_ == nullptr)
    throw Error(TP_ERR_UNSUPPORTED,
                "cannot open X display '" +
                    (display_name.empty() ? std::string(getenv("DISPLAY") ? getenv("DISPLAY") : "") : display_name) +
                    "' (is DISPLAY set, and may this user connect?)");
  try {
    root_ = DefaultRootWindow(dpy_);
    if (!XShmQueryExtension(dpy_)) throw Error(TP_ERR_UNSUPPORTED, "the X server has no MIT-SHM extension");
    if (!XDamageQueryExtension(dpy_, &damage_event_, &damage_error_))
      throw Error(TP_ERR_UNSUPPORTED, "the X server has no DAMAGE extension");
    int fixes_event = 0, fixes_error = 0, randr_error = 0;
    if (!XFixesQueryExtension(dpy_, &fixes_event, &fixes_error))
      throw Error(TP_ERR_UNSUPPORTED, "the X server has no XFIXES extension");
    have_randr_ = XRRQueryExtension(dpy_, &randr_event_, &randr_error) != 0;
    if (have_randr_) XRRSelectInput(dpy_, root_, RRScreenChangeNotifyMask);
    find_monitors();
    if (index_ >= monitors_.size())
      throw Error(TP_ERR_NOT_FOUND, "display " + std::to_string(index_) + " does not exist (this screen has " +
                                        std::to_string(monitors_.size()) + ")");
    mon_ = monitors_[index_];
    damage_ = XDamageCreate(dpy_, root_, XDamageReportNonEmpty);
    make_image();
  } catch (...) {
    free_image();
    XCloseDisplay(dpy_);
    throw;
  }
}

X11Capture::~X11Capture() {
  free_image();
  if (damage_ != 0) XDamageDestroy(dpy_, damage_);
  XCloseDisplay(dpy_);
}

// Monitors from XRandR, the primary first; without XRandR (or monitors), the whole screen is the one display.
void X11Capture::find_monitors() {
  monitors_.clear();
  if (have_randr_) {
    int n = 0;
    XRRMonitorInfo* list = XRRGetMonitors(dpy_, root_, True, &n);
    for (int i = 0; i < n; ++i) {
      char* name = XGetAtomName(dpy_, list[i].name);
      Monitor m{list[i].x, list[i].y, uint32_t(list[i].width), uint32_t(list[i].height), name ? name : ""};
      if (name) XFree(name);
      if (list[i].primary)
        monitors_.insert(monitors_.begin(), m);
      else
        monitors_.push_back(m);
    }
    if (list) XRRFreeMonitors(list);
  }
  if (monitors_.empty()) {
    XWindowAttributes a{};
    XGetWindowAttributes(dpy_, root_, &a);
    monitors_.push_back({0, 0, uint32_t(a.width), uint32_t(a.height), "screen"});
  }
}

void X11Capture::make_image() {
  free_image();
  const int screen = DefaultScreen(dpy_);
  image_ = XShmCreateImage(dpy_, DefaultVisual(dpy_, screen), unsigned(DefaultDepth(dpy_, screen)), ZPixmap, nullptr,
                           &shm_, mon_.width, mon_.height);
  if (image_ == nullptr) throw Error(TP_ERR_UNSUPPORTED, "XShmCreateImage failed");
  if (image_->bits_per_pixel != 32) {
    free_image();
    throw Error(TP_ERR_UNSUPPORTED, "only 24/32-bit X screens are supported");
  }
  shm_.shmid = shmget(IPC_PRIVATE, std::size_t(image_->bytes_per_line) * image_->height, IPC_CREAT | 0600);
  if (shm_.shmid < 0) {
    free_image();
    throw Error(TP_ERR_NO_MEMORY, "cannot allocate shared memory for the screen image");
  }
  shm_.shmaddr = image_->data = static_cast<char*>(shmat(shm_.shmid, nullptr, 0));
  shm_.readOnly = False;
  auto* old = XSetErrorHandler(quiet_errors);
  const Bool ok = XShmAttach(dpy_, &shm_);
  XSync(dpy_, False);
  XSetErrorHandler(old);
  shmctl(shm_.shmid, IPC_RMID, nullptr);  // freed once both sides detach
  if (!ok) {
    free_image();
    throw Error(TP_ERR_UNSUPPORTED, "XShmAttach failed (is the X server on another machine?)");
  }
}

void X11Capture::free_image() {
  if (image_ == nullptr) return;
  XShmDetach(dpy_, &shm_);
  image_->data = nullptr;
  XDestroyImage(image_);
  if (shm_.shmaddr != nullptr && shm_.shmaddr != reinterpret_cast<char*>(-1)) shmdt(shm_.shmaddr);
  image_ = nullptr;
  shm_ = {};
}

bool X11Capture::collect_events() {
  bool changed = false;
  while (XPending(dpy_) > 0) {
    XEvent ev;
    XNextEvent(dpy_, &ev);
    if (have_randr_ && ev.type == randr_event_ + RRScreenChangeNotify) {
      XRRUpdateConfiguration(&ev);
      geometry_changed_ = true;
      changed = true;
    } else if (ev.type == damage_event_ + XDamageNotify) {
      changed = true;
    }
  }
  if (!changed) return false;
  // Take the damage accumulated so far, and keep what falls in our monitor.
  XserverRegion region = XFixesCreateRegion(dpy_, nullptr, 0);
  XDamageSubtract(dpy_, damage_, None, region);
  int n = 0;
  XRectangle* rects = XFixesFetchRegion(dpy_, region, &n);
  for (int i = 0; i < n; ++i) {
    tp_rect r{rects[i].x, rects[i].y, rects[i].width, rects[i].height}, in{};
    if (intersect(r, mon_, in)) damage_rects_.push_back(in);
  }
  if (rects) XFree(rects);
  XFixesDestroyRegion(dpy_, region);
  return geometry_changed_ || !damage_rects_.empty();
}

bool X11Capture::grab(int64_t timeout_us, tp_frame& frame) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::microseconds(std::max<int64_t>(timeout_us, 0));
  damage_rects_.clear();
  if (!first_) {
    while (!collect_events()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
      if (left <= 0) return false;
      pollfd p{ConnectionNumber(dpy_), POLLIN, 0};
      poll(&p, 1, int(std::min<int64_t>(left, 1000)));
    }
  } else {
    collect_events();  // the damage so far is covered by this full frame
  }
  if (geometry_changed_ || first_) {
    geometry_changed_ = false;
    find_monitors();
    const Monitor m = index_ < monitors_.size() ? monitors_[index_] : monitors_.front();
    if (m.width != mon_.width || m.height != mon_.height || first_) {
      mon_ = m;
      make_image();
    }
    mon_ = m;
    damage_rects_.clear();  // a whole new picture
  }
  if (!XShmGetImage(dpy_, root_, image_, mon_.x, mon_.y, AllPlanes)) throw Error(TP_ERR_IO, "XShmGetImage failed");
  const bool whole = first_ || damage_rects_.empty();
  first_ = false;
  frame.format = TP_PIXEL_FORMAT_BGRA;
  frame.width = mon_.width;
  frame.height = mon_.height;
  frame.planes[0] = reinterpret_cast<const uint8_t*>(image_->data);
  frame.strides[0] = uint32_t(image_->bytes_per_line);
  frame.damage = whole ? nullptr : damage_rects_.data();
  frame.damage_count = whole ? 0 : uint32_t(damage_rects_.size());
  return true;
}

void X11Capture::cursor(tp_cursor& out) {
  XFixesCursorImage* img = XFixesGetCursorImage(dpy_);
  if (img == nullptr) throw Error(TP_ERR_IO, "XFixesGetCursorImage failed");
  out.x = img->x - mon_.x;
  out.y = img->y - mon_.y;
  out.visible =
      img->x >= mon_.x && img->y >= mon_.y && img->x < mon_.x + int(mon_.width) && img->y < mon_.y + int(mon_.height)
          ? 1
          : 0;
  if (cursor_pixels_.empty() || img->cursor_serial != cursor_serial_) {
    // Xlib hands the shape as one unsigned long (ARGB in the low 32 bits) a pixel, premultiplied by alpha.
    cursor_serial_ = img->cursor_serial;
    cursor_w_ = img->width;
    cursor_h_ = img->height;
    cursor_hot_x_ = img->xhot;
    cursor_hot_y_ = img->yhot;
    cursor_pixels_.resize(std::size_t(cursor_w_) * cursor_h_ * 4);
    for (std::size_t i = 0; i < std::size_t(cursor_w_) * cursor_h_; ++i) {
      const auto argb = uint32_t(img->pixels[i]);
      const uint32_t a = argb >> 24;
      const auto straight = [&](uint32_t c) { return uint8_t(a == 0 ? 0 : std::min<uint32_t>(255, c * 255 / a)); };
      cursor_pixels_[i * 4 + 0] = straight(argb & 0xff);
      cursor_pixels_[i * 4 + 1] = straight((argb >> 8) & 0xff);
      cursor_pixels_[i * 4 + 2] = straight((argb >> 16) & 0xff);
      cursor_pixels_[i * 4 + 3] = uint8_t(a);
    }
  }
  XFree(img);
  out.shape_serial = cursor_serial_;
  out.width = cursor_w_;
  out.height = cursor_h_;
  out.hot_x = cursor_hot_x_;
  out.hot_y = cursor_hot_y_;
  out.pixels = cursor_pixels_.data();
}

}  // namespace telepane::x11
