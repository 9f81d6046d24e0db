/* Telepane plugin ABI: session services (TP_KIND_SERVICE): input, clipboard, file transfer, chat, ...
 * A service owns one named channel in each session; the engine seals, frames and prioritises what it sends. */
#ifndef TELEPANE_ABI_TP_SERVICE_H
#define TELEPANE_ABI_TP_SERVICE_H

#include "tp_host.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_service tp_service; /* opaque, plugin-owned: the service's state in one session */

typedef enum tp_priority {
  TP_PRIORITY_INVALID = 0,
  TP_PRIORITY_INPUT = 1, /* highest: mouse and keys */
  TP_PRIORITY_CONTROL = 2,
  TP_PRIORITY_AUDIO = 3,
  TP_PRIORITY_VIDEO = 4,
  TP_PRIORITY_BULK = 5 /* lowest: files, tunnels */
} tp_priority;

/* The session as a service sees it. Valid from create() until destroy(). */
typedef struct tp_session_api {
  uint32_t struct_size;
  void* ctx;
  uint32_t is_host; /* 1 on the shared machine, 0 on the viewer */
  /* Sends one message on the service's channel; the engine copies it. TP_ERR_DENIED when the session did not grant
   * the service's capability. [any thread] */
  tp_status (*send)(void* ctx, tp_bytes message);
  /* Ends the session with a reason shown to both people. [any thread] */
  void (*close)(void* ctx, const char* reason);
} tp_session_api;

typedef struct tp_service_vtbl {
  uint32_t struct_size;
  const char* capability; /* the permission the host grants for it ("chat", "input"), NUL-terminated */
  tp_priority priority;
  /* A session that granted the capability started. [control thread] */
  tp_status (*create)(const tp_host* host, const tp_session_api* session, tp_service** out, tp_error* err);
  /* A message from the peer arrived on the service's channel. An invalid message returns TP_ERR_PROTOCOL and the
   * engine closes the session. [session thread] never blocks. */
  tp_status (*on_message)(tp_service* service, tp_bytes message, tp_error* err);
  /* [control thread] the session is over; no call on `session` is allowed from now on. */
  void (*destroy)(tp_service* service);
} tp_service_vtbl;

#ifdef __cplusplus
}
#endif

#endif
