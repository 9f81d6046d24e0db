/* Telepane plugin ABI: frontends (TP_KIND_FRONTEND): the desktop window.
 * A frontend owns the main thread while it runs (GLFW needs it). It talks to the application through the event bus
 * (the topics and their payloads are in sdk/app_events.hpp and docs/protocol.md), except for decoded pictures,
 * which are the media plane and never travel on the bus: the application hands them to present(). */
#ifndef TELEPANE_ABI_TP_FRONTEND_H
#define TELEPANE_ABI_TP_FRONTEND_H

#include "tp_host.h"
#include "tp_media.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_frontend_vtbl {
  uint32_t struct_size;
  /* Runs until the person quits or request_quit() was called; returns the process exit code.
   * [main thread] blocks. */
  int32_t (*run)(const tp_host* host, tp_error* err);
  /* Asks run() to return soon. [any thread] */
  void (*request_quit)(const tp_host* host);

  /* Since ABI 1.2; may be NULL (the frontend shows no remote screen). One decoded picture of the remote screen the
   * person is viewing. `frame` and its planes are borrowed for the duration of the call: the frontend copies or
   * converts what it keeps. Formats: TP_PIXEL_FORMAT_I420 or TP_PIXEL_FORMAT_BGRA (the application converts anything else).
   * A new stream (another session, a resolution change) simply arrives with another size.
   * [the session's decode thread] must not block on the main thread: keep the newest picture and drop the one it
   * replaces when the window has not drawn it yet (latest wins). */
  void (*present)(const tp_host* host, const tp_frame* frame);
} tp_frontend_vtbl;

#ifdef __cplusplus
}
#endif

#endif
