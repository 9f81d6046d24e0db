/* Telepane plugin ABI: authentication methods (TP_KIND_AUTH), run after the crypto handshake and bound to its
 * hash, so a proof made for one session is worthless in any other. A feature's name is the method ("password").
 *
 * The exchange, after the handshake:  host --challenge--> viewer --proof--> host (verify).
 */
#ifndef TELEPANE_ABI_TP_AUTH_H
#define TELEPANE_ABI_TP_AUTH_H

#include "tp_host.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tp_auth_result {
  TP_AUTH_INVALID = 0,
  TP_AUTH_ACCEPTED = 1,
  TP_AUTH_REJECTED = 2,
  TP_AUTH_PENDING = 3 /* waiting for a person (confirm-on-host); the host calls verify again later */
} tp_auth_result;

typedef struct tp_auth_vtbl {
  uint32_t struct_size;
  /* Host side: what the viewer needs to make a proof for this session (salts, costs); writes it into out[cap],
   * length in *len. TP_ERR_NOT_FOUND when this method has nothing to offer (no password set). [control thread] */
  tp_status (*challenge)(const tp_host* host, uint8_t* out, size_t cap, size_t* len, tp_error* err);
  /* Viewer side: the proof for `secret` (what the person typed) under `challenge`, bound to `handshake_hash`;
   * written into out[cap], length in *len. May take a while (a memory-hard KDF). [control thread] */
  tp_status (*prove)(const tp_host* host, tp_bytes handshake_hash, tp_bytes challenge, tp_bytes secret, uint8_t* out,
                     size_t cap, size_t* len, tp_error* err);
  /* Host side: checks a proof. `peer_key` is the viewer's static key when the handshake carried one. A malformed
   * proof is TP_ERR_PROTOCOL; a wrong one is TP_OK with *result TP_AUTH_REJECTED. [control thread] */
  tp_status (*verify)(const tp_host* host, tp_bytes handshake_hash, tp_bytes peer_key, tp_bytes proof,
                      tp_auth_result* result, tp_error* err);
  /* Makes the stored form of a new secret (e.g. a password verifier) for the plugin's config, NUL-terminated,
   * into out[cap], length without NUL in *len. NULL for methods without secrets. [control thread] */
  tp_status (*enroll)(const tp_host* host, tp_bytes secret, char* out, size_t cap, size_t* len, tp_error* err);
} tp_auth_vtbl;

#ifdef __cplusplus
}
#endif

#endif
