/* Telepane plugin ABI: recorders (TP_KIND_RECORDER) write a session's encoded video into a file that common players
 * read, without decoding or re-encoding it. A feature's name is its container family ("matroska"). */
#ifndef TELEPANE_ABI_TP_RECORDER_H
#define TELEPANE_ABI_TP_RECORDER_H

#include "tp_host.h"
#include "tp_media.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_recorder tp_recorder; /* opaque, plugin-owned: one file being written */

typedef struct tp_recorder_params {
  uint32_t struct_size;
  const char* path;  /* NUL-terminated; the container follows its extension (the plugin refuses one it cannot write) */
  const char* codec; /* the packets' codec, as the encoder feature names it ("vp9", "h264") */
  uint32_t width;    /* of the first packet's picture */
  uint32_t height;
} tp_recorder_params;

typedef struct tp_recorder_vtbl {
  uint32_t struct_size;
  /* The file extensions this recorder writes, comma-separated without dots ("webm,mkv,mp4"). */
  const char* extensions;
  /* Whether this recorder can store `codec` in a file like `path`: TP_OK, or TP_ERR_UNSUPPORTED with a reason.
   * [any thread] */
  tp_status (*supports)(const tp_host* host, const char* path, const char* codec, tp_error* err);
  /* Creates the file (replacing one that exists). On TP_OK *out is a new recorder the caller finishes with
   * finish() and frees with destroy(). [control thread] */
  tp_status (*create)(const tp_host* host, const tp_recorder_params* params, tp_recorder** out, tp_error* err);
  /* Appends one packet, borrowed for the call. Packets come in decode order with rising pts_us; packets before the
   * first keyframe are skipped by the recorder. [one thread at a time] */
  tp_status (*write)(tp_recorder* recorder, const tp_packet* packet, tp_error* err);
  /* Writes the container's trailer and closes the file; a recording without finish() may be unreadable.
   * [one thread at a time] */
  tp_status (*finish)(tp_recorder* recorder, tp_error* err);
  /* Frees the recorder, closing the file if finish() was not called. [control thread] */
  void (*destroy)(tp_recorder* recorder);
} tp_recorder_vtbl;

#ifdef __cplusplus
}
#endif

#endif
