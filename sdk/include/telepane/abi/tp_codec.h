/* Telepane plugin ABI: video encoders (TP_KIND_ENCODER) and decoders (TP_KIND_DECODER).
 * A feature's name is the codec name peers negotiate ("raw", "vp9", "h264"). */
#ifndef TELEPANE_ABI_TP_CODEC_H
#define TELEPANE_ABI_TP_CODEC_H

#include "tp_host.h"
#include "tp_media.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_encoder tp_encoder; /* opaque, plugin-owned */
typedef struct tp_decoder tp_decoder; /* opaque, plugin-owned */

typedef struct tp_video_params {
  uint32_t struct_size;
  uint32_t width;
  uint32_t height;
  uint32_t fps;
  uint32_t bitrate_kbps;  /* target; 0 = the codec's choice */
  tp_pixel_format format; /* encoder: its vtable's input_format; decoder: its vtable's output_format */
} tp_video_params;

/* Receives encoded packets or decoded frames. The packet/frame is borrowed for the call only.
 * [the thread that called encode/decode] must not call back into the same encoder/decoder. */
typedef struct tp_packet_sink {
  void* user;
  tp_status (*write)(void* user, const tp_packet* packet);
} tp_packet_sink;

typedef struct tp_frame_sink {
  void* user;
  tp_status (*write)(void* user, const tp_frame* frame);
} tp_frame_sink;

typedef struct tp_encoder_vtbl {
  uint32_t struct_size;
  tp_pixel_format input_format; /* the frames encode() wants; the pipeline converts captured frames to it */
  /* Encodes one real frame of these params, to prove the codec works here. [main thread, at load; any thread] */
  tp_status (*probe)(const tp_host* host, const tp_video_params* params, tp_error* err);
  /* On TP_OK *out is a new encoder the caller destroys with destroy(). [the encode thread, or any thread before it
   * starts] */
  tp_status (*create)(const tp_host* host, const tp_video_params* params, tp_encoder** out, tp_error* err);
  /* Encodes one frame; writes zero or more packets to sink before returning. [encode thread] never blocks on I/O. */
  tp_status (*encode)(tp_encoder* encoder, const tp_frame* frame, const tp_packet_sink* sink, tp_error* err);
  /* Makes the next packet a keyframe. [any thread] */
  tp_status (*request_keyframe)(tp_encoder* encoder);
  /* Changes the target bitrate from the next frame on. [any thread] */
  tp_status (*set_bitrate)(tp_encoder* encoder, uint32_t kbps);
  /* [the encode thread, or any thread after it stopped] */
  void (*destroy)(tp_encoder* encoder);
} tp_encoder_vtbl;

typedef struct tp_decoder_vtbl {
  uint32_t struct_size;
  tp_pixel_format output_format; /* the frames decode() writes */
  /* `params` carries the expected size and the format the caller wants frames in. [the decode thread, or any
   * thread before it starts] */
  tp_status (*create)(const tp_host* host, const tp_video_params* params, tp_decoder** out, tp_error* err);
  /* Decodes one packet; writes zero or more frames to sink. A corrupt packet returns TP_ERR_PROTOCOL and leaves
   * the decoder usable from the next keyframe. [decode thread] */
  tp_status (*decode)(tp_decoder* decoder, const tp_packet* packet, const tp_frame_sink* sink, tp_error* err);
  /* [the decode thread, or any thread after it stopped] */
  void (*destroy)(tp_decoder* decoder);
} tp_decoder_vtbl;

#ifdef __cplusplus
}
#endif

#endif
