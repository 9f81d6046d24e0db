/* Telepane plugin ABI: transports (TP_KIND_TRANSPORT) carry a session's sealed bytes between two peers.
 * A transport never sees plaintext: the session engine seals every message before send(). */
#ifndef TELEPANE_ABI_TP_TRANSPORT_H
#define TELEPANE_ABI_TP_TRANSPORT_H

#include "tp_host.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_link tp_link;         /* opaque, plugin-owned: one connection */
typedef struct tp_listener tp_listener; /* opaque, plugin-owned: accepts connections */

#define TP_TRANSPORT_STREAM 0x1u   /* ordered bytes; the engine frames messages itself */
#define TP_TRANSPORT_DATAGRAM 0x2u /* one engine message per datagram, may be lost or reordered */

/* What a link reports. Every callback runs on the transport's io thread, never concurrently for one link, and must
 * not block: hand the bytes to your own thread. `data` is borrowed for the call. After on_closed, or once
 * close_link() has returned, no callback of this link runs again. */
typedef struct tp_link_events {
  uint32_t struct_size;
  void* user;
  void (*on_data)(void* user, tp_bytes data);
  void (*on_closed)(void* user, tp_status why, const char* reason);
} tp_link_events;

typedef struct tp_transport_vtbl {
  uint32_t struct_size;
  uint32_t flags; /* TP_TRANSPORT_* */
  /* Starts connecting to `address` (the transport's own syntax, e.g. "host:port"). *out is valid at once;
   * `events` (copied) report data and closure. [control thread] */
  tp_status (*connect)(const tp_host* host, const char* address, const tp_link_events* events, tp_link** out,
                       tp_error* err);
  /* Listens on `address` (port 0: any free port, see listener_address); each accepted link is handed to
   * on_accept(user, link), which must set its events with set_events() before returning and owns the link.
   * [control thread]; on_accept runs on the transport's io thread. */
  tp_status (*listen)(const tp_host* host, const char* address, void* user,
                      void (*on_accept)(void* user, tp_link* link), tp_listener** out, tp_error* err);
  /* [the transport's io thread, inside on_accept] */
  tp_status (*set_events)(tp_link* link, const tp_link_events* events);
  /* Queues bytes for sending; copies them. Returns TP_ERR_AGAIN when the link's send buffer is full (the engine
   * then drops stale media rather than queueing it). [any thread] */
  tp_status (*send)(tp_link* link, tp_bytes data, tp_error* err);
  /* Closes and frees the link; on_closed is not called for a close the owner asked for. Waits for a callback of
   * this link running on another thread. Bytes send() accepted before the close still go to the peer, ahead of the
   * end it then sees: the plugin lingers a few seconds at most for them (a host's last word, a refusal, must not be
   * lost), but the caller does not wait. [any thread, including the link's own callbacks] */
  void (*close_link)(tp_link* link);
  /* Stops accepting and frees the listener; waits for a running on_accept. [control thread] */
  void (*close_listener)(tp_listener* listener);
  /* The address the listener is bound to, in connect()'s syntax, copied NUL-terminated into buf[cap]. [any] */
  tp_status (*listener_address)(tp_listener* listener, char* buf, size_t cap, size_t* len);
  /* The peer's address as this side sees it ("ip:port"), for limits and logs; copied like listener_address.
   * TP_ERR_AGAIN while a connect() is still under way. [any thread] */
  tp_status (*peer_address)(tp_link* link, char* buf, size_t cap, size_t* len);

  /* ---- ABI 1.3: hole punching, optional (NULL, or struct_size short of them: this transport cannot punch) ---- */

  /* Opens a link that will be hole-punched: binds a socket of its own, asks `reflector` ("host:port" of a STUN
   * Binding server, the rendezvous server; may be empty) what this socket is mapped to, and writes the link's
   * candidates to buf[cap] as a NUL-terminated comma-separated list of "ip:port", local addresses first (*len:
   * their length). `link_id` (8..64 bytes) is what both peers of this link share (the rendezvous punch session);
   * `initiator` is 1 on the viewer. Blocks while it asks the reflector (bounded by the plugin's setting). *out is
   * the caller's, as for connect(); it is not connected until punch() finds a path. [control thread] */
  tp_status (*punch_open)(const tp_host* host, const char* reflector, tp_bytes link_id, int initiator,
                          const tp_link_events* events, tp_link** out, char* buf, size_t cap, size_t* len,
                          tp_error* err);
  /* Starts punching toward the peer's candidates (the same list format): short bounded bursts, only to these
   * addresses. Once a pair answers, the link is connected (peer_address names the path's far end) and data flows;
   * with no answer within the plugin's punch timeout it closes (on_closed) naming what was tried. [any thread] */
  tp_status (*punch)(tp_link* link, const char* candidates, tp_error* err);
} tp_transport_vtbl;

#ifdef __cplusplus
}
#endif

#endif
