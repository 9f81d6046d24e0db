/* Telepane plugin ABI: crypto suites (TP_KIND_CRYPTO). A feature's name is the full suite name the peers agree on,
 * e.g. "Noise_NK_25519_AESGCM_SHA256". A suite runs one handshake and then yields one cipher per direction. */
#ifndef TELEPANE_ABI_TP_CRYPTO_H
#define TELEPANE_ABI_TP_CRYPTO_H

#include "tp_host.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_handshake tp_handshake; /* opaque, plugin-owned */
typedef struct tp_cipher tp_cipher;       /* opaque, plugin-owned: one direction's state; its nonce never resets */

typedef enum tp_handshake_role { TP_ROLE_INVALID = 0, TP_ROLE_INITIATOR = 1, TP_ROLE_RESPONDER = 2 } tp_handshake_role;

/* Keys are raw bytes (32 for X25519). Borrowed for the duration of create(); the plugin copies what it keeps and
 * wipes its copies when destroyed. */
/* Whose move it is in a handshake. */
typedef enum tp_handshake_next {
  TP_HANDSHAKE_INVALID = 0,
  TP_HANDSHAKE_WRITE = 1, /* call handshake_write */
  TP_HANDSHAKE_READ = 2,  /* wait for the peer's message, then handshake_read */
  TP_HANDSHAKE_DONE = 3,  /* call handshake_finish */
  TP_HANDSHAKE_FAILED = 4 /* a message failed; the handshake is over */
} tp_handshake_next;

typedef struct tp_handshake_params {
  uint32_t struct_size;
  tp_handshake_role role;
  tp_bytes prologue;      /* bound into the handshake hash: protocol version and offered suites */
  tp_bytes local_private; /* our static private key; patterns that send none (NK's initiator) ignore it */
  tp_bytes remote_public; /* the peer's static public key, when known in advance (NK/IK initiator) */
} tp_handshake_params;

typedef struct tp_crypto_vtbl {
  uint32_t struct_size;
  /* [control thread] */
  tp_status (*handshake_create)(const tp_host* host, const tp_handshake_params* params, tp_handshake** out,
                                tp_error* err);
  /* Writes the next handshake message carrying `payload` into out[cap]; stores its length in *len. [control] */
  tp_status (*handshake_write)(tp_handshake* hs, tp_bytes payload, uint8_t* out, size_t cap, size_t* len,
                               tp_error* err);
  /* Reads the peer's next handshake message; writes its payload into out[cap], length in *len. [control] */
  tp_status (*handshake_read)(tp_handshake* hs, tp_bytes message, uint8_t* out, size_t cap, size_t* len, tp_error* err);
  /* Once the pattern is complete: the two ciphers (caller destroys them), the handshake hash (for channel binding)
   * and the peer's static public key if the pattern transmitted or assumed one. [control] */
  tp_status (*handshake_finish)(tp_handshake* hs, tp_cipher** send, tp_cipher** recv, uint8_t* hash, size_t hash_cap,
                                size_t* hash_len, uint8_t* remote_public, size_t remote_cap, size_t* remote_len,
                                tp_error* err);
  void (*handshake_destroy)(tp_handshake* hs);
  /* Seals plaintext into out[cap] (plaintext + tag); fails with TP_ERR_CLOSED when the nonce would reach 2^64-1.
   * [the one thread that owns this direction] */
  tp_status (*seal)(tp_cipher* c, tp_bytes ad, tp_bytes plaintext, uint8_t* out, size_t cap, size_t* len,
                    tp_error* err);
  /* Opens a sealed message; any tampering gives TP_ERR_PROTOCOL and leaves the cipher unusable. */
  tp_status (*open)(tp_cipher* c, tp_bytes ad, tp_bytes sealed, uint8_t* out, size_t cap, size_t* len, tp_error* err);
  /* Replaces the key as Noise's Rekey() does. */
  tp_status (*rekey)(tp_cipher* c);
  void (*cipher_destroy)(tp_cipher* c);
  /* What the handshake needs next, so the engine drives any pattern without knowing it. [control] */
  tp_handshake_next (*handshake_next)(const tp_handshake* hs);
} tp_crypto_vtbl;

#ifdef __cplusplus
}
#endif

#endif
