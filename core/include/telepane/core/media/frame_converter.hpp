// Pixel format conversion between what capture backends give and what encoders want (and decoders give and
// frontends want), on libyuv: BGRA, I420 and NV12 each way. One converter per pipeline stage: it keeps its output
// buffer between frames, so steady streaming allocates nothing.
#pragma once

#include <telepane/abi/tp_media.h>
#include <telepane/sdk/media.hpp>

#include <memory>
#include <vector>

namespace telepane::core::media {

class FrameConverter {
 public:
  // `in` converted to `format`: `in` itself when it already is; otherwise a view of this converter's buffer, valid
  // until the next convert(). Timing and damage are carried over. Throws sdk::Error for an invalid frame or an
  // unknown format. [one thread at a time]
  const tp_frame& convert(const tp_frame& in, tp_pixel_format format);

 private:
  std::unique_ptr<sdk::FrameBuffer> buffer_;
  tp_frame out_{};
};

}  // namespace telepane::core::media
