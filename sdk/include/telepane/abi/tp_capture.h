/* Telepane plugin ABI: screen capture (kind TP_KIND_CAPTURE). */
#ifndef TELEPANE_ABI_TP_CAPTURE_H
#define TELEPANE_ABI_TP_CAPTURE_H

#include "tp_host.h"
#include "tp_media.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_capture tp_capture; /* opaque, plugin-owned */

/* What to capture. Zero width/height means the display's own size. */
typedef struct tp_capture_params {
  uint32_t struct_size;
  uint32_t display; /* index into the plugin's displays, 0 = primary */
  uint32_t width;
  uint32_t height;
  uint32_t max_fps; /* 0 = no cap; grab() may then return as fast as content changes */
} tp_capture_params;

/* The pointer as the capture sees it, sent apart from the video (pictures never contain it). */
typedef struct tp_cursor {
  uint32_t struct_size;
  int32_t x; /* the hotspot, in frame pixels of the captured display; may lie outside it */
  int32_t y;
  uint32_t visible;      /* 0: hidden, or on another display */
  uint64_t shape_serial; /* changes whenever the shape does */
  uint32_t width;        /* the shape: width x height BGRA pixels, straight (not premultiplied) alpha */
  uint32_t height;
  uint32_t hot_x; /* the hotspot within the shape */
  uint32_t hot_y;
  const uint8_t* pixels; /* valid until the next cursor() or destroy() of this object */
} tp_cursor;

typedef struct tp_capture_vtbl {
  uint32_t struct_size;

  /* Grabs one real frame with default params and throws it away, to prove this machine can capture (an X server
   * is reachable, an extension exists). [main thread, at load] */
  tp_status (*probe)(const tp_host* host, tp_error* err);

  /* Opens a capture. On TP_OK *out is a new object the caller destroys with destroy(). [the capture thread that
   * will grab from it: backends such as X11 bind their connection to one thread] */
  tp_status (*create)(const tp_host* host, const tp_capture_params* params, tp_capture** out, tp_error* err);

  /* Waits up to timeout_us for the screen to change and fills *frame (struct_size set by the caller). Returns
   * TP_ERR_AGAIN when nothing changed within the timeout: an unchanged screen yields no frames. The frame's
   * pixels and damage stay valid until the next grab() or destroy() of this object.
   * [capture thread] one thread at a time per object. */
  tp_status (*grab)(tp_capture* capture, int64_t timeout_us, tp_frame* frame, tp_error* err);

  /* [the capture thread, or any thread once it stopped calling grab()] */
  void (*destroy)(tp_capture* capture);

  /* Since ABI 1.1; may be NULL. Reads the pointer's position and shape now (out->struct_size set by the caller).
   * TP_ERR_UNSUPPORTED when this capture cannot see the pointer. [capture thread] between grabs. */
  tp_status (*cursor)(tp_capture* capture, tp_cursor* out, tp_error* err);
} tp_capture_vtbl;

#ifdef __cplusplus
}
#endif

#endif
