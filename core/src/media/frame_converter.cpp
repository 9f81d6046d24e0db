#include <telepane/core/media/frame_converter.hpp>

#include <libyuv.h>

namespace telepane::core::media {
using sdk::Error;

namespace {
void check(const tp_frame& f) {
  const auto layout = sdk::plane_layout(f.format, f.width, f.height);  // throws on size and format
  for (uint32_t i = 0; i < layout.count; ++i)
    if (f.planes[i] == nullptr || f.strides[i] < layout.stride[i])
      throw Error(TP_ERR_INVALID_ARGUMENT, "frame plane " + std::to_string(i) + " is missing or too narrow");
}
}  // namespace

const tp_frame& FrameConverter::convert(const tp_frame& in, tp_pixel_format format) {
  check(in);
  if (in.format == format) return in;
  if (!buffer_ || buffer_->format() != format || buffer_->width() != in.width || buffer_->height() != in.height)
    buffer_ = std::make_unique<sdk::FrameBuffer>(format, in.width, in.height);
  auto& b = *buffer_;
  const int w = int(in.width), h = int(in.height);
  const auto* p = in.planes;
  const auto* s = in.strides;
  int rc = -1;
  // libyuv's "ARGB" is B, G, R, A in memory: our BGRA.
  if (in.format == TP_PIXEL_FORMAT_BGRA && format == TP_PIXEL_FORMAT_I420)
    rc = libyuv::ARGBToI420(p[0], int(s[0]), b.plane(0), int(b.stride(0)), b.plane(1), int(b.stride(1)), b.plane(2),
                            int(b.stride(2)), w, h);
  else if (in.format == TP_PIXEL_FORMAT_BGRA && format == TP_PIXEL_FORMAT_NV12)
    rc = libyuv::ARGBToNV12(p[0], int(s[0]), b.plane(0), int(b.stride(0)), b.plane(1), int(b.stride(1)), w, h);
  else if (in.format == TP_PIXEL_FORMAT_I420 && format == TP_PIXEL_FORMAT_BGRA)
    rc = libyuv::I420ToARGB(p[0], int(s[0]), p[1], int(s[1]), p[2], int(s[2]), b.plane(0), int(b.stride(0)), w, h);
  else if (in.format == TP_PIXEL_FORMAT_NV12 && format == TP_PIXEL_FORMAT_BGRA)
    rc = libyuv::NV12ToARGB(p[0], int(s[0]), p[1], int(s[1]), b.plane(0), int(b.stride(0)), w, h);
  else if (in.format == TP_PIXEL_FORMAT_I420 && format == TP_PIXEL_FORMAT_NV12)
    rc = libyuv::I420ToNV12(p[0], int(s[0]), p[1], int(s[1]), p[2], int(s[2]), b.plane(0), int(b.stride(0)), b.plane(1),
                            int(b.stride(1)), w, h);
  else if (in.format == TP_PIXEL_FORMAT_NV12 && format == TP_PIXEL_FORMAT_I420)
    rc = libyuv::NV12ToI420(p[0], int(s[0]), p[1], int(s[1]), b.plane(0), int(b.stride(0)), b.plane(1),
                            int(b.stride(1)), b.plane(2), int(b.stride(2)), w, h);
  else
    throw Error(TP_ERR_UNSUPPORTED, "no conversion between these pixel formats");
  if (rc != 0) throw Error(TP_ERR_INTERNAL, "pixel conversion failed");
  out_ = b.view();
  out_.pts_us = in.pts_us;
  out_.capture_time_ns = in.capture_time_ns;
  out_.damage = in.damage;
  out_.damage_count = in.damage_count;
  return out_;
}

}  // namespace telepane::core::media
