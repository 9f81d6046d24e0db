// H.264 decoding with libavcodec: low delay (a frame out for each packet in), I420 out. A packet the decoder
// rejects, and every packet after it until an IDR picture, is refused with TP_ERR_PROTOCOL; whether a packet is an
// IDR comes from its NAL units, not from the flag a peer sets.
#pragma once

#include <telepane/sdk/sdk.hpp>

extern "C" {
#include <libavcodec/avcodec.h>
}

namespace telepane::h264 {

class AvcodecDecoder {
 public:
  AvcodecDecoder();
  ~AvcodecDecoder();
  AvcodecDecoder(const AvcodecDecoder&) = delete;
  AvcodecDecoder& operator=(const AvcodecDecoder&) = delete;

  void decode(const tp_packet& packet, const sdk::FrameSink& sink);  // [decode thread]

 private:
  void reset();
  AVCodecContext* ctx_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* frame_ = nullptr;
  bool need_keyframe_ = true;
};

// Whether an Annex B H.264 packet holds an IDR slice (NAL type 5).
bool contains_idr(const uint8_t* data, std::size_t size);

}  // namespace telepane::h264
