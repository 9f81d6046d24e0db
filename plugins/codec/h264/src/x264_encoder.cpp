#include "x264_encoder.hpp"

#include <algorithm>

namespace telepane::h264 {
using sdk::Error;

uint32_t default_bitrate_kbps(uint32_t width, uint32_t height, uint32_t fps) {
  const double kbps = double(width) * height * std::max<uint32_t>(fps, 1) * 0.1 / 1000;
  return uint32_t(std::clamp(kbps, 300.0, 20000.0));
}

X264Encoder::X264Encoder(const tp_video_params& params, const EncoderSettings& settings)
    : settings_(settings), fps_(params.fps == 0 ? 30 : params.fps) {
  if (params.format != TP_PIXEL_FORMAT_I420) throw Error(TP_ERR_UNSUPPORTED, "h264 encodes I420 frames only");
  if (params.width == 0 || params.height == 0 || params.width > 16384 || params.height > 16384)
    throw Error(TP_ERR_INVALID_ARGUMENT, "h264: picture size out of range");
  if (params.bitrate_kbps != 0) settings_.bitrate_kbps = params.bitrate_kbps;
  open(params.width, params.height);
}

X264Encoder::~X264Encoder() {
  if (encoder_ != nullptr) x264_encoder_close(encoder_);
}

void X264Encoder::open(uint32_t width, uint32_t height) {
  if (encoder_ != nullptr) x264_encoder_close(encoder_);
  encoder_ = nullptr;
  if (x264_param_default_preset(&param_, settings_.preset.c_str(), "zerolatency") < 0)
    throw Error(TP_ERR_INVALID_ARGUMENT, "h264: unknown preset '" + settings_.preset + "'");
  param_.i_width = int(width);
  param_.i_height = int(height);
  param_.i_csp = X264_CSP_I420;
  param_.i_threads = std::max(1, settings_.threads);
  param_.b_sliced_threads = 1;  // threads split each frame: no frame of delay
  param_.i_fps_num = fps_;
  param_.i_fps_den = 1;
  param_.i_timebase_num = 1;
  param_.i_timebase_den = 1000000;                 // pts in microseconds
  param_.i_keyint_max = X264_KEYINT_MAX_INFINITE;  // keyframes on request only
  param_.b_repeat_headers = 1;                     // SPS/PPS before every keyframe: a decoder can join there
  param_.b_annexb = 1;
  param_.i_log_level = X264_LOG_NONE;
  const uint32_t kbps =
      settings_.bitrate_kbps != 0 ? settings_.bitrate_kbps : default_bitrate_kbps(width, height, fps_);
  param_.rc.i_rc_method = X264_RC_ABR;
  param_.rc.i_bitrate = int(kbps);
  param_.rc.i_vbv_max_bitrate = int(kbps);
  param_.rc.i_vbv_buffer_size = int(kbps * 2 / std::max<uint32_t>(fps_, 1) + 1);  // about two frames: no backlog
  if (x264_param_apply_profile(&param_, "high") < 0) throw Error(TP_ERR_INTERNAL, "h264: cannot apply the profile");
  encoder_ = x264_encoder_open(&param_);
  if (encoder_ == nullptr) throw Error(TP_ERR_UNSUPPORTED, "h264: x264 refused the parameters");
  keyframe_ = true;
}

void X264Encoder::encode(const tp_frame& f, const sdk::PacketSink& sink) {
  if (f.format != TP_PIXEL_FORMAT_I420 || f.planes[0] == nullptr || f.planes[1] == nullptr || f.planes[2] == nullptr ||
      f.width == 0 || f.height == 0 || f.width > 16384 || f.height > 16384)
    throw Error(TP_ERR_INVALID_ARGUMENT, "h264: not a valid I420 frame");
  if (int(f.width) != param_.i_width || int(f.height) != param_.i_height) open(f.width, f.height);
  if (uint32_t kbps = pending_kbps_.exchange(0); kbps != 0 && int(kbps) != param_.rc.i_bitrate) {
    param_.rc.i_bitrate = int(kbps);
    param_.rc.i_vbv_max_bitrate = int(kbps);
    param_.rc.i_vbv_buffer_size = int(kbps * 2 / std::max<uint32_t>(fps_, 1) + 1);
    if (x264_encoder_reconfig(encoder_, &param_) < 0) throw Error(TP_ERR_INTERNAL, "h264: cannot change the bitrate");
  }
  x264_picture_t in;
  x264_picture_init(&in);
  in.img.i_csp = X264_CSP_I420;
  in.img.i_plane = 3;
  for (int i = 0; i < 3; ++i) {
    in.img.plane[i] = const_cast<uint8_t*>(f.planes[i]);
    in.img.i_stride[i] = int(f.strides[i]);
  }
  in.i_pts = f.pts_us;
  in.i_type = keyframe_.exchange(false) ? X264_TYPE_IDR : X264_TYPE_AUTO;
  x264_nal_t* nals = nullptr;
  int nal_count = 0;
  x264_picture_t out;
  const int size = x264_encoder_encode(encoder_, &nals, &nal_count, &in, &out);
  if (size < 0) throw Error(TP_ERR_INTERNAL, "h264: encode failed");
  if (size == 0) return;
  // x264 lays the NAL units of one frame out back to back: one packet.
  sink.write(sdk::packet_for(f, nals[0].p_payload, std::size_t(size), out.b_keyframe != 0));
}

}  // namespace telepane::h264
