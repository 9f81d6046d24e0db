/* Telepane plugin ABI: the host table, everything a plugin may ask of the application.
 *
 * A plugin never includes core headers; it reaches the host only through the `tp_host` it is handed (in on_load
 * and in every create call). Each plugin gets its own table: log lines are tagged with its id and `config_*`
 * reads its own, already validated, config subtree (defaults from its schema filled in).
 */
#ifndef TELEPANE_ABI_TP_HOST_H
#define TELEPANE_ABI_TP_HOST_H

#include "tp_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_host tp_host;

/* Called with one event. `topic` and `payload` are borrowed for the duration of the call.
 * [the host's plugin executor] One subscription's callbacks never run concurrently and arrive in the order each
 * publisher published them. May call any tp_host function, including unsubscribe of its own subscription. */
typedef void (*tp_event_fn)(void* user, const char* topic, tp_bytes payload);

/* A unit of work posted to the host. [the host's plugin executor] */
typedef void (*tp_task_fn)(void* user);

struct tp_host {
  uint32_t struct_size; /* sizeof(tp_host) of the host build; check before using members appended later */
  uint16_t abi_major;   /* the ABI the host implements */
  uint16_t abi_minor;
  void* ctx; /* host-owned; plugins pass the table back, never read ctx */

  /* Writes one log line tagged with the plugin's id. `message` is a NUL-terminated UTF-8 line, borrowed.
   * [any thread] never blocks on I/O. */
  void (*log)(const tp_host* host, tp_log_level level, const char* message);

  /* Reads a value of the plugin's config subtree. `path` is dotted within the subtree ("speed", "limits.max_kbps",
   * "servers.0"). Returns TP_ERR_NOT_FOUND when absent, TP_ERR_INVALID_ARGUMENT when the value is of another type.
   * [any thread] The subtree does not change while the plugin is loaded. */
  tp_status (*config_int)(const tp_host* host, const char* path, int64_t* out);
  tp_status (*config_double)(const tp_host* host, const char* path, double* out);
  tp_status (*config_bool)(const tp_host* host, const char* path, int32_t* out);
  /* Copies the string value (NUL-terminated) into buf[cap] and stores its length without NUL in *len.
   * When cap is too small, copies nothing, stores the needed length and returns TP_ERR_NO_MEMORY. */
  tp_status (*config_string)(const tp_host* host, const char* path, char* buf, size_t cap, size_t* len);
  /* The whole subtree as JSON, copied like config_string. For structured settings the scalar getters don't fit. */
  tp_status (*config_json)(const tp_host* host, char* buf, size_t cap, size_t* len);

  /* Publishes an event. The host copies topic and payload before returning. Topic names are dotted, lower-case
   * ("chat.message"); a plugin's own topics start with its id. [any thread] never blocks; when a subscriber's
   * bounded queue is full, that subscriber loses the event and the host counts and logs it. */
  tp_status (*publish)(const tp_host* host, const char* topic, tp_bytes payload);
  /* Subscribes `fn(user, ...)` to `topic` (exact name, or a prefix ending in ".*"). Stores a handle in *out.
   * `user` must stay valid until unsubscribe returns. [any thread] */
  tp_status (*subscribe)(const tp_host* host, const char* topic, tp_event_fn fn, void* user, uint64_t* out);
  /* Ends a subscription. When it returns, `fn` is not running and will not run again, except when called from
   * inside that very callback (then the current call finishes and no further one starts). [any thread]
   * The host also ends every subscription of a plugin before its on_unload. */
  void (*unsubscribe)(const tp_host* host, uint64_t subscription);

  /* Monotonic clock in nanoseconds, the one the host timestamps frames with. [any thread] */
  int64_t (*now_ns)(const tp_host* host);

  /* Runs fn(user) soon on the host's plugin executor (a small pool shared by plugins). For work that must not
   * block the caller, e.g. an I/O callback. [any thread] */
  tp_status (*post)(const tp_host* host, tp_task_fn fn, void* user);

  /* One pointer the plugin keeps with its host table: its own state, so a plugin needs no global variables. The
   * plugin sets it in on_load and frees what it points to in on_unload; the host never reads through it.
   * [any thread] */
  void (*set_plugin_data)(const tp_host* host, void* data);
  void* (*plugin_data)(const tp_host* host);
};

#ifdef __cplusplus
}
#endif

#endif
