// Telepane SDK: an owning picture buffer for the formats of tp_media.h, for plugins and their tests.
#pragma once

#include <telepane/abi/tp_media.h>
#include <telepane/sdk/status.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace telepane::sdk {

struct PlaneLayout {
  uint32_t count = 0;
  std::array<uint32_t, TP_MAX_PLANES> stride{};
  std::array<uint32_t, TP_MAX_PLANES> rows{};
};

// Tightly packed planes for a format and size; throws Error on an invalid format or a zero/oversized size.
inline PlaneLayout plane_layout(tp_pixel_format format, uint32_t width, uint32_t height) {
  constexpr uint32_t kMaxSide = 16384;  // beyond any display; keeps size arithmetic far from overflow
  if (width == 0 || height == 0 || width > kMaxSide || height > kMaxSide)
    throw Error(TP_ERR_INVALID_ARGUMENT, "frame size out of range");
  const uint32_t cw = (width + 1) / 2, ch = (height + 1) / 2;
  switch (format) {
    case TP_PIXEL_FORMAT_BGRA: return {1, {width * 4, 0, 0}, {height, 0, 0}};
    case TP_PIXEL_FORMAT_I420: return {3, {width, cw, cw}, {height, ch, ch}};
    case TP_PIXEL_FORMAT_NV12: return {2, {width, cw * 2, 0}, {height, ch, 0}};
    default: throw Error(TP_ERR_INVALID_ARGUMENT, "unknown pixel format");
  }
}

// Bytes a frame of this layout needs.
inline std::size_t frame_bytes(const PlaneLayout& l) {
  std::size_t n = 0;
  for (uint32_t i = 0; i < l.count; ++i) n += std::size_t(l.stride[i]) * l.rows[i];
  return n;
}

class FrameBuffer {
 public:
  FrameBuffer(tp_pixel_format format, uint32_t width, uint32_t height)
      : format_(format),
        width_(width),
        height_(height),
        layout_(plane_layout(format, width, height)),
        bytes_(frame_bytes(layout_)) {}

  uint8_t* plane(uint32_t i) { return bytes_.data() + offset(i); }
  const uint8_t* plane(uint32_t i) const { return bytes_.data() + offset(i); }
  uint32_t stride(uint32_t i) const { return layout_.stride[i]; }
  uint32_t rows(uint32_t i) const { return layout_.rows[i]; }
  uint32_t plane_count() const { return layout_.count; }
  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }
  tp_pixel_format format() const { return format_; }
  std::vector<uint8_t>& bytes() { return bytes_; }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

  // A borrowed view valid while this buffer lives and is not resized.
  tp_frame view() const {
    tp_frame f{};
    f.struct_size = sizeof(tp_frame);
    f.format = format_;
    f.width = width_;
    f.height = height_;
    for (uint32_t i = 0; i < layout_.count; ++i) {
      f.planes[i] = plane(i);
      f.strides[i] = layout_.stride[i];
    }
    return f;
  }

 private:
  std::size_t offset(uint32_t i) const {
    std::size_t off = 0;
    for (uint32_t k = 0; k < i; ++k) off += std::size_t(layout_.stride[k]) * layout_.rows[k];
    return off;
  }
  tp_pixel_format format_;
  uint32_t width_, height_;
  PlaneLayout layout_;
  std::vector<uint8_t> bytes_;
};

}  // namespace telepane::sdk
