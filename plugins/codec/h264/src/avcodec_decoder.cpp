#include "avcodec_decoder.hpp"

#include <string>
#include <vector>

namespace telepane::h264 {
using sdk::Error;

bool contains_idr(const uint8_t* d, std::size_t n) {
  for (std::size_t i = 0; i + 3 < n; ++i)
    if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1 && (d[i + 3] & 0x1f) == 5) return true;
  return false;
}

AvcodecDecoder::AvcodecDecoder() {
  packet_ = av_packet_alloc();
  frame_ = av_frame_alloc();
  if (packet_ == nullptr || frame_ == nullptr) throw Error(TP_ERR_NO_MEMORY, "h264: out of memory");
  reset();
}

AvcodecDecoder::~AvcodecDecoder() {
  avcodec_free_context(&ctx_);
  av_frame_free(&frame_);
  av_packet_free(&packet_);
}

void AvcodecDecoder::reset() {
  avcodec_free_context(&ctx_);
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_H264);
  if (codec == nullptr) throw Error(TP_ERR_UNSUPPORTED, "h264: libavcodec has no H.264 decoder");
  ctx_ = avcodec_alloc_context3(codec);
  if (ctx_ == nullptr) throw Error(TP_ERR_NO_MEMORY, "h264: out of memory");
  ctx_->flags |= AV_CODEC_FLAG_LOW_DELAY;
  ctx_->thread_count = 1;                 // frame threads would add a frame of delay each
  ctx_->err_recognition = AV_EF_EXPLODE;  // report damage instead of concealing it silently
  if (avcodec_open2(ctx_, codec, nullptr) < 0) throw Error(TP_ERR_UNSUPPORTED, "h264: cannot open the decoder");
}

void AvcodecDecoder::decode(const tp_packet& p, const sdk::FrameSink& sink) {
  if (p.data == nullptr || p.size == 0 || p.size > (64u << 20))
    throw Error(TP_ERR_PROTOCOL, "h264: empty or oversized packet");
  if (contains_idr(p.data, p.size)) {
    if (need_keyframe_) reset();
    need_keyframe_ = false;
  }
  if (need_keyframe_) throw Error(TP_ERR_PROTOCOL, "h264: waiting for a keyframe");
  // libavcodec reads past the end while parsing: give it a padded copy.
  std::vector<uint8_t> padded(p.size + AV_INPUT_BUFFER_PADDING_SIZE, 0);
  std::copy(p.data, p.data + p.size, padded.begin());
  packet_->data = padded.data();
  packet_->size = int(p.size);
  int rc = avcodec_send_packet(ctx_, packet_);
  av_packet_unref(packet_);
  if (rc < 0) {
    need_keyframe_ = true;
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(rc, text, sizeof text);
    throw Error(TP_ERR_PROTOCOL, std::string("h264: corrupt packet: ") + text);
  }
  while ((rc = avcodec_receive_frame(ctx_, frame_)) == 0) {
    if (frame_->format != AV_PIX_FMT_YUV420P && frame_->format != AV_PIX_FMT_YUVJ420P) {
      av_frame_unref(frame_);
      need_keyframe_ = true;
      throw Error(TP_ERR_PROTOCOL, "h264: stream is not 8-bit 4:2:0");
    }
    if (frame_->decode_error_flags != 0) {
      av_frame_unref(frame_);
      need_keyframe_ = true;
      throw Error(TP_ERR_PROTOCOL, "h264: corrupt packet: the picture decoded with errors");
    }
    tp_frame f{};
    f.struct_size = sizeof f;
    f.format = TP_PIXEL_FORMAT_I420;
    f.width = uint32_t(frame_->width);
    f.height = uint32_t(frame_->height);
    for (int i = 0; i < 3; ++i) {
      f.planes[i] = frame_->data[i];
      f.strides[i] = uint32_t(frame_->linesize[i]);
    }
    f.pts_us = p.pts_us;
    f.capture_time_ns = p.capture_time_ns;
    try {
      sink.write(f);
    } catch (...) {
      av_frame_unref(frame_);
      throw;
    }
    av_frame_unref(frame_);
  }
  if (rc != AVERROR(EAGAIN) && rc != AVERROR_EOF) {
    need_keyframe_ = true;
    throw Error(TP_ERR_PROTOCOL, "h264: corrupt packet: the decoder failed");
  }
}

}  // namespace telepane::h264
