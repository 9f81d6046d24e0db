/* Telepane plugin ABI: video frames and compressed packets, shared by capture and codec plugins. */
#ifndef TELEPANE_ABI_TP_MEDIA_H
#define TELEPANE_ABI_TP_MEDIA_H

#include "tp_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tp_pixel_format {
  TP_PIXEL_FORMAT_INVALID = 0,
  TP_PIXEL_FORMAT_BGRA = 1, /* one plane, 4 bytes a pixel, B G R A in memory (X11's and GL's BGRA) */
  TP_PIXEL_FORMAT_I420 = 2, /* three planes Y, U, V; chroma halved both ways (odd sizes round up) */
  TP_PIXEL_FORMAT_NV12 = 3  /* two planes Y, interleaved UV; chroma halved both ways */
} tp_pixel_format;

/* A rectangle in frame pixels. */
typedef struct tp_rect {
  int32_t x;
  int32_t y;
  uint32_t width;
  uint32_t height;
} tp_rect;

#define TP_MAX_PLANES 3

/* A raw picture, borrowed: its pixels belong to whoever produced it and stay valid only as that producer's
 * function documents. `damage` lists the regions changed since the previous frame of the same source;
 * damage_count 0 with damage NULL means "unknown: treat the whole frame as changed". */
typedef struct tp_frame {
  uint32_t struct_size;
  tp_pixel_format format;
  uint32_t width;
  uint32_t height;
  const uint8_t* planes[TP_MAX_PLANES];
  uint32_t strides[TP_MAX_PLANES];
  int64_t pts_us;          /* presentation time of the stream, microseconds */
  int64_t capture_time_ns; /* host monotonic clock (tp_host.now_ns) when the pixels were read */
  const tp_rect* damage;
  uint32_t damage_count;
} tp_frame;

/* A compressed picture, borrowed like tp_frame. */
typedef struct tp_packet {
  uint32_t struct_size;
  const uint8_t* data;
  size_t size;
  int64_t pts_us;
  int64_t capture_time_ns;
  uint32_t keyframe; /* 1 when a decoder can start here */
  uint32_t width;    /* picture size this packet decodes to */
  uint32_t height;
} tp_packet;

#ifdef __cplusplus
}
#endif

#endif
