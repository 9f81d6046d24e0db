#include "picture_slot.hpp"

#include <libyuv/convert_argb.h>
#include <libyuv/convert_from_argb.h>

#include <cstring>
#include <utility>

namespace telepane::frontend {

bool PictureSlot::put(const tp_frame& frame, int64_t now_ns) {
  if (frame.width == 0 || frame.height == 0 || frame.width > 16384 || frame.height > 16384) return false;
  const int w = int(frame.width), h = int(frame.height);
  std::vector<uint8_t> rgba;
  {
    std::lock_guard lock(mu_);
    rgba.swap(scratch_);
  }
  rgba.resize(std::size_t(w) * h * 4);
  // libyuv names formats by their order in a little-endian word: "ABGR" is R,G,B,A in memory, GL's RGBA.
  int rc = -1;
  if (frame.format == TP_PIXEL_FORMAT_I420) {
    rc = libyuv::I420ToABGR(frame.planes[0], int(frame.strides[0]), frame.planes[1], int(frame.strides[1]),
                            frame.planes[2], int(frame.strides[2]), rgba.data(), w * 4, w, h);
  } else if (frame.format == TP_PIXEL_FORMAT_BGRA) {
    rc = libyuv::ARGBToABGR(frame.planes[0], int(frame.strides[0]), rgba.data(), w * 4, w, h);
  }
  std::lock_guard lock(mu_);
  if (rc != 0) {
    scratch_.swap(rgba);
    return false;
  }
  if (fresh_) ++dropped_;
  ready_.width = frame.width;
  ready_.height = frame.height;
  ready_.rgba.swap(rgba);
  scratch_.swap(rgba);  // the previous ready buffer becomes the next target
  ready_.serial = next_serial_++;
  ready_.arrived_ns = now_ns;
  fresh_ = true;
  return true;
}

bool PictureSlot::take(Picture& out) {
  std::lock_guard lock(mu_);
  if (!fresh_) return false;
  std::swap(out.rgba, ready_.rgba);
  out.width = ready_.width;
  out.height = ready_.height;
  out.serial = ready_.serial;
  out.arrived_ns = ready_.arrived_ns;
  fresh_ = false;
  return true;
}

uint64_t PictureSlot::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

void PictureSlot::clear() {
  std::lock_guard lock(mu_);
  fresh_ = false;
}

}  // namespace telepane::frontend
