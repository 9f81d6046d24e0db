/* Telepane plugin ABI: peer registries (TP_KIND_REGISTRY), the rendezvous server's store of peer IDs, keys and
 * addresses: SQLite embedded by default, a shared store when several rendezvous nodes serve one fleet. */
#ifndef TELEPANE_ABI_TP_REGISTRY_H
#define TELEPANE_ABI_TP_REGISTRY_H

#include "tp_host.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_registry tp_registry; /* opaque, plugin-owned */

#define TP_PEER_ID_MAX 32
#define TP_PEER_KEY_MAX 32
#define TP_PEER_ADDRESS_MAX 64

typedef struct tp_peer_record {
  uint32_t struct_size;
  char id[TP_PEER_ID_MAX]; /* NUL-terminated */
  uint8_t key[TP_PEER_KEY_MAX];
  uint32_t key_size;
  char address[TP_PEER_ADDRESS_MAX]; /* last seen public address, "ip:port", NUL-terminated */
  int64_t last_seen_unix_ms;
} tp_peer_record;

typedef struct tp_registry_vtbl {
  uint32_t struct_size;
  /* Opens the store named by the plugin's config; a relative path there is taken beneath `data_dir`, the server's
   * data directory (borrowed for the call). The registry is the caller's until close(). [main thread] */
  tp_status (*open)(const tp_host* host, const char* data_dir, tp_registry** out, tp_error* err);
  /* Inserts or updates a record (copied). An existing id bound to another key returns TP_ERR_DENIED and changes
   * nothing: an ID, once registered, belongs to its key. [any thread, calls may run concurrently] */
  tp_status (*put)(tp_registry* registry, const tp_peer_record* record, tp_error* err);
  /* Copies the record of `id` into *out; TP_ERR_NOT_FOUND when unknown. [any thread, concurrently] */
  tp_status (*get)(tp_registry* registry, const char* id, tp_peer_record* out, tp_error* err);
  /* Flushes and frees the registry; no other call may be running. [main thread] */
  void (*close)(tp_registry* registry);
} tp_registry_vtbl;

#ifdef __cplusplus
}
#endif

#endif
