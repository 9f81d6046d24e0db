/* Telepane plugin ABI: authentication methods (TP_KIND_AUTH), run after the crypto handshake and bound to its
 * hash, so a proof made for one session is worthless in any other. A feature's name is the method ("password"). */
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
  /* Viewer side: makes the proof for `secret` (e.g. the password the person typed) bound to `handshake_hash`;
   * writes it into out[cap], length in *len. [control thread] */
  tp_status (*prove)(const tp_host* host, tp_bytes handshake_hash, tp_bytes secret, uint8_t* out, size_t cap,
                     size_t* len, tp_error* err);
  /* Host side: checks a proof. `peer_key` is the viewer's static key when the handshake carried one. [control] */
  tp_status (*verify)(const tp_host* host, tp_bytes handshake_hash, tp_bytes peer_key, tp_bytes proof,
                      tp_auth_result* result, tp_error* err);
} tp_auth_vtbl;

#ifdef __cplusplus
}
#endif

#endif
