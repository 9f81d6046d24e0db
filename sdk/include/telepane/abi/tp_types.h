/* Telepane plugin ABI: the basic types every other ABI header uses.
 *
 * Rules for everything under telepane/abi (see docs/plugin-guide.md):
 * - Pure C99. Fixed-width integers, enums whose 0 is INVALID, POD structs, (pointer, length) views, opaque handles.
 * - Every struct that may grow starts with `uint32_t struct_size` and only ever gains members at its end
 *   (a new minor ABI version). Readers check struct_size before touching a member added later.
 * - Memory is freed on the side that allocated it. Nothing here throws.
 */
#ifndef TELEPANE_ABI_TP_TYPES_H
#define TELEPANE_ABI_TP_TYPES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI this header describes. A plugin built for major M loads only in a host of major M; a plugin built for
 * minor N loads only in a host whose minor is >= N (it may use members appended in N). */
#define TP_ABI_MAJOR 1
#define TP_ABI_MINOR 3

#if defined(__GNUC__)
#define TP_EXPORT __attribute__((visibility("default")))
#else
#define TP_EXPORT
#endif

/* Result of every fallible ABI call. Zero is success so that `if (status)` reads as "if it failed";
 * the "0 = INVALID" rule is for enums that describe a thing, where a zeroed struct must not look valid. */
typedef int32_t tp_status;
#define TP_OK 0
#define TP_ERR_INVALID_ARGUMENT (-1) /* the caller passed something malformed */
#define TP_ERR_UNSUPPORTED (-2)      /* this plugin or build cannot do that */
#define TP_ERR_NOT_FOUND (-3)        /* a named thing (key, display, peer) does not exist */
#define TP_ERR_AGAIN (-4)            /* nothing yet (no new frame, no data); try again later */
#define TP_ERR_TIMEOUT (-5)          /* a bounded wait ran out */
#define TP_ERR_NO_MEMORY (-6)        /* an allocation or a fixed buffer was too small */
#define TP_ERR_IO (-7)               /* the operating system or a device failed */
#define TP_ERR_PROTOCOL (-8)         /* a peer sent something that breaks the protocol */
#define TP_ERR_DENIED (-9)           /* authentication or a permission refused it */
#define TP_ERR_CLOSED (-10)          /* the object was closed or its peer went away */
#define TP_ERR_INTERNAL (-11)        /* a bug or an unexpected exception inside the plugin */

/* A caller-owned error message buffer. Functions that can fail take a `tp_error*` (which may be NULL) and, on
 * failure, write one NUL-terminated line into `message` (truncated to fit). Being caller-owned it needs no
 * allocation, no freeing across the boundary and no thread-local state. */
#define TP_ERROR_MESSAGE_MAX 256
typedef struct tp_error {
  char message[TP_ERROR_MESSAGE_MAX];
} tp_error;

/* A borrowed, not necessarily NUL-terminated byte view. Valid only for the duration of the call it is passed to
 * unless the function documents otherwise. */
typedef struct tp_bytes {
  const uint8_t* data;
  size_t size;
} tp_bytes;

/* A semantic version. */
typedef struct tp_version {
  uint32_t major;
  uint32_t minor;
  uint32_t patch;
} tp_version;

/* What a feature is. The vtable a feature carries has the type named in the comment. */
typedef enum tp_kind {
  TP_KIND_INVALID = 0,
  TP_KIND_CAPTURE = 1,   /* tp_capture_vtbl   (tp_capture.h)   */
  TP_KIND_ENCODER = 2,   /* tp_encoder_vtbl   (tp_codec.h)     */
  TP_KIND_DECODER = 3,   /* tp_decoder_vtbl   (tp_codec.h)     */
  TP_KIND_TRANSPORT = 4, /* tp_transport_vtbl (tp_transport.h) */
  TP_KIND_CRYPTO = 5,    /* tp_crypto_vtbl    (tp_crypto.h)    */
  TP_KIND_AUTH = 6,      /* tp_auth_vtbl      (tp_auth.h)      */
  TP_KIND_SERVICE = 7,   /* tp_service_vtbl   (tp_service.h)   */
  TP_KIND_FRONTEND = 8,  /* tp_frontend_vtbl  (tp_frontend.h)  */
  TP_KIND_REGISTRY = 9,  /* tp_registry_vtbl  (tp_registry.h)  */
  TP_KIND_RECORDER = 10, /* tp_recorder_vtbl  (tp_recorder.h)  since ABI 1.1 */
  TP_KIND_COUNT_ = 11    /* not a kind: one past the last; grows with the ABI minor */
} tp_kind;

typedef enum tp_log_level {
  TP_LOG_INVALID = 0,
  TP_LOG_TRACE = 1,
  TP_LOG_DEBUG = 2,
  TP_LOG_INFO = 3,
  TP_LOG_WARN = 4,
  TP_LOG_ERROR = 5
} tp_log_level;

#ifdef __cplusplus
}
#endif

#endif
