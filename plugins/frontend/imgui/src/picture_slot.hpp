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
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> rgba;  // width * height * 4
  uint64_t serial = 0;        // 1, 2, ... in arrival order
  int64_t arrived_ns = 0;     // steady clock when present() finished converting it
};

class PictureSlot {
 public:
  // Converts and stores `frame` (I420 or BGRA; anything else is refused with false). [decode thread]
  bool put(const tp_frame& frame, int64_t now_ns);
  // Swaps the newest picture into `out` when there is one newer than out.serial. [main thread]
  bool take(Picture& out);
  uint64_t dropped() const;
  void clear();  // a new session: forget the last one's picture [any thread]

 private:
  mutable std::mutex mu_;
  Picture ready_;  // newest, not yet taken
  bool fresh_ = false;
  uint64_t next_serial_ = 1;
  uint64_t dropped_ = 0;
  std::vector<uint8_t> scratch_;  // conversion target, swapped with ready_.rgba (no allocation per picture)
};

}  // namespace telepane::frontend
