// desktop_scene: desktop-like content that changes N times a second on an X display, for the netlab stream test
// and the screen benchmarks.
// A full-screen window of text that scrolls by a few pixels each frame (as a terminal or a document would), with
// a new line of text drawn into the gap and a small box moving across (a cursor, a progress bar). With --video,
// a W x H region of fresh noise every frame as well: a video playing in a window, which no codec compresses much.
//   desktop_scene --fps 60 [--video 480x270]
#include <X11/Xlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  int fps = 60, video_w = 0, video_h = 0;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--fps") == 0) fps = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--video") == 0 && std::sscanf(argv[i + 1], "%dx%d", &video_w, &video_h) != 2)
      video_w = video_h = 0;
  }
  Display* d = XOpenDisplay(nullptr);
  if (d == nullptr) {
    std::fprintf(stderr, "desktop_scene: cannot open the display\n");
    return 1;
  }
  const int screen = DefaultScreen(d);
  const int w = DisplayWidth(d, screen), h = DisplayHeight(d, screen);
  XSetWindowAttributes attrs{};
  attrs.override_redirect = True;
  attrs.background_pixel = WhitePixel(d, screen);
  const Window win = XCreateWindow(d, RootWindow(d, screen), 0, 0, unsigned(w), unsigned(h), 0, CopyFromParent,
                                   InputOutput, CopyFromParent, CWOverrideRedirect | CWBackPixel, &attrs);
  XMapRaised(d, win);
  const GC gc = XCreateGC(d, win, 0, nullptr);
  constexpr int kStep = 4, kLine = 16;
  std::vector<char> noise(std::size_t(std::max(video_w, 0)) * std::size_t(std::max(video_h, 0)) * 4);
  XImage* video = noise.empty() ? nullptr
                                : XCreateImage(d, DefaultVisual(d, screen), unsigned(DefaultDepth(d, screen)), ZPixmap,
                                               0, noise.data(), unsigned(video_w), unsigned(video_h), 32, 0);
  uint32_t seed = 12345;
  const auto interval = std::chrono::microseconds(1'000'000 / std::max(fps, 1));
  auto next = std::chrono::steady_clock::now();
  for (long n = 0;; ++n) {
    // Scroll the text up and write into the gap at the bottom.
    XCopyArea(d, win, win, gc, 0, kStep, unsigned(w), unsigned(h - kStep), 0, 0);
    XSetForeground(d, gc, WhitePixel(d, screen));
    XFillRectangle(d, win, gc, 0, h - kStep, unsigned(w), kStep);
    if (n % (kLine / kStep) == 0) {
      XFillRectangle(d, win, gc, 0, h - kLine, unsigned(w), kLine);
      XSetForeground(d, gc, BlackPixel(d, screen));
      char line[256];
      std::snprintf(line, sizeof line,
                    "%08ld  drwxr-xr-x  2 user staff  4096 Dec  1 12:%02ld  report-%ld.txt   The quick brown fox jumps "
                    "over the lazy dog; 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                    n, n % 60, n * 7919 % 100000);
      for (int x = 4; x < w; x += 1100) XDrawString(d, win, gc, x, h - 4, line, int(std::strlen(line)));
    }
    // A moving box.
    XSetForeground(d, gc, BlackPixel(d, screen));
    XFillRectangle(d, win, gc, int((n * 9) % (w - 60)), h / 3, 40, 24);
    if (video != nullptr) {
      for (std::size_t i = 0; i + 4 <= noise.size(); i += 4) {
        seed = seed * 1664525u + 1013904223u;
        std::memcpy(&noise[i], &seed, 4);
      }
      XPutImage(d, win, gc, video, 0, 0, w - video_w - 20, 20, unsigned(video_w), unsigned(video_h));
    }
    XSync(d, False);
    next += interval;
    std::this_thread::sleep_until(next);
  }
}
