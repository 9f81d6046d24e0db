#include "picture_slot.hpp"

#include <libyuv/convert_argb.h>
#include <libyuv/convert_from_argb.h>
#include <libyuv/scale.h>

#include <cstring>
#include <utility>

namespace telepane::frontend {

void PictureSlot::set_draw_size(uint32_t width, uint32_t height) {
  std::lock_guard lock(mu_);
  draw_w_ = width;
  draw_h_ = height;
}

bool PictureSlot::put(const tp_frame& frame, int64_t now_ns) {
  if (frame.width == 0 || frame.height == 0 || frame.width > 16384 || frame.height > 16384) return false;
  int w = int(frame.width), h = int(frame.height);
  std::vector<uint8_t> rgba;
  uint32_t draw_w = 0, draw_h = 0;
  {
    std::lock_guard lock(mu_);
    rgba.swap(scratch_);
    draw_w = draw_w_;
    draw_h = draw_h_;
  }
  const uint8_t* planes[3] = {frame.planes[0], frame.planes[1], frame.planes[2]};
  int strides[3] = {int(frame.strides[0]), int(frame.strides[1]), int(frame.strides[2])};
  // Down to the drawn size (even, at least 2x2), when that is smaller in both directions.
  const int dw = int(draw_w) & ~1, dh = int(draw_h) & ~1;
  if (frame.format == TP_PIXEL_FORMAT_I420 && dw >= 2 && dh >= 2 && dw < w && dh < h) {
    const std::size_t luma = std::size_t(dw) * dh, chroma = std::size_t(dw / 2) * (dh / 2);
    scaled_.resize(luma + 2 * chroma);
    uint8_t* y = scaled_.data();
    uint8_t* u = y + luma;
    uint8_t* v = u + chroma;
    if (libyuv::I420Scale(planes[0], strides[0], planes[1], strides[1], planes[2], strides[2], w, h, y, dw, u, dw / 2,
                          v, dw / 2, dw, dh, libyuv::kFilterBilinear) == 0) {
      planes[0] = y;
      planes[1] = u;
      planes[2] = v;
      strides[0] = dw;
      strides[1] = strides[2] = dw / 2;
      w = dw;
      h = dh;
    }
  }
  rgba.resize(std::size_t(w) * h * 4);
  // libyuv names formats by their order in a little-endian word: "ABGR" is R,G,B,A in memory, GL's RGBA.
  int rc = -1;
  if (frame.format == TP_PIXEL_FORMAT_I420) {
    rc = libyuv::I420ToABGR(planes[0], strides[0], planes[1], strides[1], planes[2], strides[2], rgba.data(), w * 4, w,
                            h);
  } else if (frame.format == TP_PIXEL_FORMAT_BGRA) {
    rc = libyuv::ARGBToABGR(frame.planes[0], int(frame.strides[0]), rgba.data(), w * 4, w, h);
  }
  std::lock_guard lock(mu_);
  if (rc != 0) {
    scratch_.swap(rgba);
    return false;
  }
  if (fresh_) ++dropped_;
  ready_.width = uint32_t(w);
  ready_.height = uint32_t(h);
  ready_.src_width = frame.width;
  ready_.src_height = frame.height;
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
  out.src_width = ready_.src_width;
  out.src_height = ready_.src_height;
  out.serial = ready_.serial;
  out.arrived_ns = ready_.arrived_ns;
  fresh_ = false;
  return true;
}

bool PictureSlot::fresh() const {
  std::lock_guard lock(mu_);
  return fresh_;
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
