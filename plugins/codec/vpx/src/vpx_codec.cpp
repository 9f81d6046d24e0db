#include "vpx_codec.hpp"

#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>

#include <algorithm>
#include <cstring>

namespace telepane::vpx {
using sdk::Error;

namespace {
vpx_codec_iface_t* encoder_iface(Codec c) {
  return c == Codec::VP9 ? vpx_codec_vp9_cx() : vpx_codec_vp8_cx();
}
vpx_codec_iface_t* decoder_iface(Codec c) {
  return c == Codec::VP9 ? vpx_codec_vp9_dx() : vpx_codec_vp8_dx();
}
std::string why(vpx_codec_ctx_t& ctx) {
  const char* detail = vpx_codec_error_detail(&ctx);
  return std::string(vpx_codec_error(&ctx)) + (detail ? std::string(": ") + detail : std::string());
}
}  // namespace

const char* codec_name(Codec c) {
  return c == Codec::VP9 ? "vp9" : "vp8";
}

uint32_t default_bitrate_kbps(uint32_t width, uint32_t height, uint32_t fps) {
  const double kbps = double(width) * height * std::max<uint32_t>(fps, 1) * 0.1 / 1000;
  return uint32_t(std::clamp(kbps, 300.0, 20000.0));
}

VpxEncoder::VpxEncoder(Codec codec, const tp_video_params& params, const EncoderSettings& settings)
    : codec_(codec), settings_(settings), fps_(params.fps == 0 ? 30 : params.fps) {
  if (params.format != TP_PIXEL_FORMAT_I420)
    throw Error(TP_ERR_UNSUPPORTED, std::string(codec_name(codec)) + " encodes I420 frames only");
  if (params.width == 0 || params.height == 0 || params.width > 16384 || params.height > 16384)
    throw Error(TP_ERR_INVALID_ARGUMENT, std::string(codec_name(codec)) + ": picture size out of range");
  if (params.bitrate_kbps != 0) settings_.bitrate_kbps = params.bitrate_kbps;
  init(params.width, params.height);
}

VpxEncoder::~VpxEncoder() {
  release();
}

void VpxEncoder::release() {
  if (initialised_) vpx_codec_destroy(&ctx_);
  initialised_ = false;
}

void VpxEncoder::init(uint32_t width, uint32_t height) {
  release();
  if (vpx_codec_enc_config_default(encoder_iface(codec_), &cfg_, 0) != VPX_CODEC_OK)
    throw Error(TP_ERR_INTERNAL, std::string(codec_name(codec_)) + ": no default configuration");
  cfg_.g_w = width;
  cfg_.g_h = height;
  cfg_.g_timebase = {1, 1000000};  // pts in microseconds, as tp_frame carries them
  cfg_.g_threads = unsigned(std::max(1, settings_.threads));
  cfg_.g_lag_in_frames = 0;  // no lookahead: every frame out as soon as it is in
  cfg_.g_error_resilient = VPX_ERROR_RESILIENT_DEFAULT;
  cfg_.g_pass = VPX_RC_ONE_PASS;
  cfg_.rc_end_usage = VPX_CBR;
  cfg_.rc_target_bitrate =
      settings_.bitrate_kbps != 0 ? settings_.bitrate_kbps : default_bitrate_kbps(width, height, fps_);
  cfg_.rc_min_quantizer = 2;
  cfg_.rc_max_quantizer = 56;
  cfg_.rc_undershoot_pct = 50;
  cfg_.rc_overshoot_pct = 50;
  cfg_.rc_buf_initial_sz = 500;
  cfg_.rc_buf_optimal_sz = 600;
  cfg_.rc_buf_sz = 1000;
  cfg_.rc_dropframe_thresh = 0;    // the pipeline drops stale frames itself; the codec must not skip
  cfg_.kf_mode = VPX_KF_DISABLED;  // keyframes on request only; cyclic refresh repairs the rest
  if (vpx_codec_enc_init(&ctx_, encoder_iface(codec_), &cfg_, 0) != VPX_CODEC_OK)
    throw Error(TP_ERR_UNSUPPORTED, std::string(codec_name(codec_)) + ": cannot start the encoder: " + why(ctx_));
  initialised_ = true;
  if (codec_ == Codec::VP9) {
    vpx_codec_control(&ctx_, VP8E_SET_CPUUSED, std::clamp(settings_.speed, 5, 9));
    vpx_codec_control(&ctx_, VP9E_SET_TUNE_CONTENT, VP9E_CONTENT_SCREEN);
    vpx_codec_control(&ctx_, VP9E_SET_ROW_MT, 1);
    vpx_codec_control(&ctx_, VP9E_SET_AQ_MODE, 3);  // cyclic refresh
    vpx_codec_control(&ctx_, VP9E_SET_TILE_COLUMNS, settings_.threads > 1 ? 1 : 0);
    vpx_codec_control(&ctx_, VP9E_SET_NOISE_SENSITIVITY, 0);
    vpx_codec_control(&ctx_, VP8E_SET_STATIC_THRESHOLD, 1);
  } else {
    vpx_codec_control(&ctx_, VP8E_SET_CPUUSED, -std::clamp(settings_.speed + 4, 4, 16));  // negative: realtime
    vpx_codec_control(&ctx_, VP8E_SET_SCREEN_CONTENT_MODE, 1);
    vpx_codec_control(&ctx_, VP8E_SET_NOISE_SENSITIVITY, 0);
    vpx_codec_control(&ctx_, VP8E_SET_STATIC_THRESHOLD, 1);
    vpx_codec_control(&ctx_, VP8E_SET_TOKEN_PARTITIONS, VP8_TWO_TOKENPARTITION);
  }
  keyframe_ = true;
}

void VpxEncoder::encode(const tp_frame& f, const sdk::PacketSink& sink) {
  if (f.format != TP_PIXEL_FORMAT_I420 || f.planes[0] == nullptr || f.planes[1] == nullptr || f.planes[2] == nullptr ||
      f.width == 0 || f.height == 0 || f.width > 16384 || f.height > 16384)
    throw Error(TP_ERR_INVALID_ARGUMENT, std::string(codec_name(codec_)) + ": not a valid I420 frame");
  if (f.width != cfg_.g_w || f.height != cfg_.g_h) init(f.width, f.height);  // the screen changed size
  if (uint32_t kbps = pending_kbps_.exchange(0); kbps != 0 && kbps != cfg_.rc_target_bitrate) {
    cfg_.rc_target_bitrate = kbps;
    if (vpx_codec_enc_config_set(&ctx_, &cfg_) != VPX_CODEC_OK)
      throw Error(TP_ERR_INTERNAL, std::string(codec_name(codec_)) + ": cannot change the bitrate: " + why(ctx_));
  }
  vpx_image_t img;
  vpx_img_wrap(&img, VPX_IMG_FMT_I420, f.width, f.height, 1, const_cast<uint8_t*>(f.planes[0]));
  for (int i = 0; i < 3; ++i) {
    img.planes[i] = const_cast<uint8_t*>(f.planes[i]);
    img.stride[i] = int(f.strides[i]);
  }
  const vpx_enc_frame_flags_t flags = keyframe_.exchange(false) ? VPX_EFLAG_FORCE_KF : 0;
  if (vpx_codec_encode(&ctx_, &img, f.pts_us, 1000000 / fps_, flags, VPX_DL_REALTIME) != VPX_CODEC_OK)
    throw Error(TP_ERR_INTERNAL, std::string(codec_name(codec_)) + ": encode failed: " + why(ctx_));
  vpx_codec_iter_t iter = nullptr;
  while (const vpx_codec_cx_pkt_t* pkt = vpx_codec_get_cx_data(&ctx_, &iter)) {
    if (pkt->kind != VPX_CODEC_CX_FRAME_PKT) continue;
    sink.write(sdk::packet_for(f, static_cast<const uint8_t*>(pkt->data.frame.buf), pkt->data.frame.sz,
                               (pkt->data.frame.flags & VPX_FRAME_IS_KEY) != 0));
  }
}

VpxDecoder::VpxDecoder(Codec codec) : codec_(codec) {
  reset();
}

VpxDecoder::~VpxDecoder() {
  vpx_codec_destroy(&ctx_);
}

void VpxDecoder::reset() {
  if (ctx_.iface != nullptr) vpx_codec_destroy(&ctx_);
  ctx_ = {};
  vpx_codec_dec_cfg_t cfg{};
  cfg.threads = 2;
  if (vpx_codec_dec_init(&ctx_, decoder_iface(codec_), &cfg, 0) != VPX_CODEC_OK)
    throw Error(TP_ERR_UNSUPPORTED, std::string(codec_name(codec_)) + ": cannot start the decoder");
}

void VpxDecoder::decode(const tp_packet& p, const sdk::FrameSink& sink) {
  if (p.data == nullptr || p.size == 0 || p.size > (64u << 20))
    throw Error(TP_ERR_PROTOCOL, std::string(codec_name(codec_)) + ": empty or oversized packet");
  // Whether this is a keyframe comes from the bitstream, not from the packet's flag, which a peer sets.
  vpx_codec_stream_info_t info{};
  info.sz = sizeof info;
  const bool parsed =
      vpx_codec_peek_stream_info(decoder_iface(codec_), p.data, unsigned(p.size), &info) == VPX_CODEC_OK;
  if (parsed && info.is_kf) {
    if (need_keyframe_) reset();  // start clean from a keyframe after an error
    need_keyframe_ = false;
  }
  if (need_keyframe_) throw Error(TP_ERR_PROTOCOL, std::string(codec_name(codec_)) + ": waiting for a keyframe");
  if (vpx_codec_decode(&ctx_, p.data, unsigned(p.size), nullptr, 0) != VPX_CODEC_OK) {
    need_keyframe_ = true;
    throw Error(TP_ERR_PROTOCOL, std::string(codec_name(codec_)) + ": corrupt packet: " + why(ctx_));
  }
  vpx_codec_iter_t iter = nullptr;
  while (vpx_image_t* img = vpx_codec_get_frame(&ctx_, &iter)) {
    if (img->fmt != VPX_IMG_FMT_I420) {
      need_keyframe_ = true;
      throw Error(TP_ERR_PROTOCOL, std::string(codec_name(codec_)) + ": stream is not 8-bit 4:2:0");
    }
    tp_frame f{};
    f.struct_size = sizeof f;
    f.format = TP_PIXEL_FORMAT_I420;
    f.width = img->d_w;
    f.height = img->d_h;
    for (int i = 0; i < 3; ++i) {
      f.planes[i] = img->planes[i];
      f.strides[i] = uint32_t(img->stride[i]);
    }
    f.pts_us = p.pts_us;
    f.capture_time_ns = p.capture_time_ns;
    sink.write(f);
  }
}

}  // namespace telepane::vpx
