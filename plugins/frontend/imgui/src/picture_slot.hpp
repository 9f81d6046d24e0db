// The newest decoded picture, handed from a session's decode thread to the window: converted to RGBA there (the
// decode thread has time between pictures; the main thread has a window to draw), then swapped in. Latest wins:
// a picture the window has not drawn yet is replaced, and counted as dropped.
#pragma once

#include <telepane/abi/tp_media.h>

#include <cstdint>
#include <mutex>
#include <vector>

namespace telepane::frontend {

struct Picture {
  uint32_t width = 0, height = 0;          // of `rgba`: what the window draws, maybe scaled down
  uint32_t src_width = 0, src_height = 0;  // of the remote screen: what input coordinates refer to
  std::vector<uint8_t> rgba;               // width * height * 4
  uint64_t serial = 0;                     // 1, 2, ... in arrival order
  int64_t arrived_ns = 0;                  // steady clock when present() finished converting it
};

class PictureSlot {
 public:
  // Converts and stores `frame` (I420 or BGRA; anything else is refused with false). [decode thread]
  // An I420 picture larger than the size the window last drew it at (set_draw_size) is scaled down to that size
  // first: less to convert, to upload and to sample, and libyuv's filter is as good as the GPU's.
  bool put(const tp_frame& frame, int64_t now_ns);
  // The size the window draws the picture at; 0 x 0: the picture's own size. [main thread]
  void set_draw_size(uint32_t width, uint32_t height);
  // Swaps the newest picture into `out` when there is one newer than out.serial. [main thread]
  bool take(Picture& out);
  uint64_t dropped() const;
  bool fresh() const;  // a picture waits to be taken [any thread]
  void clear();        // a new session: forget the last one's picture [any thread]

 private:
  mutable std::mutex mu_;
  Picture ready_;  // newest, not yet taken
  bool fresh_ = false;
  uint64_t next_serial_ = 1;
  uint64_t dropped_ = 0;
  std::vector<uint8_t> scratch_;  // conversion target, swapped with ready_.rgba (no allocation per picture)
  uint32_t draw_w_ = 0, draw_h_ = 0;
  std::vector<uint8_t> scaled_;  // [decode thread] the scaled I420 planes
};

}  // namespace telepane::frontend
