/* Telepane plugin ABI: the plugin descriptor and the one exported entry point.
 *
 * A plugin library exports exactly one symbol, `tp_plugin_entry`. The host calls it once, on its main thread,
 * right after loading the library, and validates what it returns before calling anything else (docs/plugin-guide.md
 * lists the rules and the error each one gives).
 */
#ifndef TELEPANE_ABI_TP_PLUGIN_H
#define TELEPANE_ABI_TP_PLUGIN_H

#include "tp_host.h"
#include "tp_types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tp_dependency_kind {
  TP_DEPENDENCY_INVALID = 0,
  TP_DEPENDENCY_REQUIRED = 1, /* the plugin fails to load without it, and fails when it fails */
  TP_DEPENDENCY_OPTIONAL = 2  /* loaded first when present and in range; the plugin loads either way */
} tp_dependency_kind;

/* Another plugin this one needs, by id, with the version range [min, max_exclusive). A max_exclusive of
 * {0,0,0} means "no upper bound". */
typedef struct tp_dependency {
  uint32_t struct_size;
  tp_dependency_kind kind;
  const char* id;
  tp_version min;
  tp_version max_exclusive;
} tp_dependency;

/* One thing the plugin provides: a kind, a name unique within the kind (a codec's name is what peers negotiate,
 * e.g. "vp9"), a rank (higher wins among features of one kind and name) and the kind's vtable, whose first
 * member is its struct_size. */
typedef struct tp_feature {
  uint32_t struct_size;
  tp_kind kind;
  const char* name;
  int32_t rank;
  const void* vtable;
} tp_feature;

/* Plugin flags. */
#define TP_PLUGIN_DEFAULT_DISABLED 0x1u /* off unless the config enables it (e.g. a recorder) */
/* The library is never unloaded, not even by debug and sanitizer builds that unload the others: for plugins built on
 * libraries that cannot be unloaded cleanly (they keep allocations or threads behind after dlclose). */
#define TP_PLUGIN_KEEP_LOADED 0x2u

/* Everything the host needs to know about a plugin. Owned by the plugin, in storage that lives as long as the
 * library is loaded; the host never writes to it or frees it. */
typedef struct tp_plugin_desc {
  uint32_t struct_size;
  uint16_t abi_major; /* TP_ABI_MAJOR the plugin was built against */
  uint16_t abi_minor; /* TP_ABI_MINOR the plugin was built against */
  const char* id;     /* reverse-DNS, lower-case: [a-z0-9-]+(\.[a-z0-9_-]+)+, e.g. "org.telepane.codec.raw" */
  tp_version version;
  const char* description; /* one line for `telepane plugins list/info`; may be NULL */
  uint32_t flags;          /* TP_PLUGIN_* */
  const tp_dependency* dependencies;
  uint32_t dependency_count;
  const tp_feature* features;
  uint32_t feature_count;
  /* JSON Schema (the subset in docs/plugin-guide.md) of the plugin's config subtree, the top-level key of which is
   * the plugin id. NULL when the plugin takes no settings. Defaults and descriptions in it feed
   * `telepane plugins info`, the generated config reference and the settings UI. */
  const char* config_schema;

  /* Called once after every dependency has loaded, before any feature is used. Returns TP_OK, or a status and a
   * message in *err; the plugin then counts as failed and so do its dependents. [main thread] May be NULL. */
  tp_status (*on_load)(const tp_host* host, tp_error* err);
  /* Called once before the host lets go of the plugin, after every object it created was destroyed and every
   * subscription ended. [main thread] May be NULL. */
  void (*on_unload)(const tp_host* host);
} tp_plugin_desc;

/* The entry point: returns the descriptor, or NULL when the plugin cannot work with this host ABI.
 * [main thread] Called once per load; must not do work beyond returning static data (no threads, no I/O). */
typedef const tp_plugin_desc* (*tp_plugin_entry_fn)(uint16_t host_abi_major, uint16_t host_abi_minor);
#define TP_PLUGIN_ENTRY_SYMBOL "tp_plugin_entry"

#ifdef __cplusplus
}
#endif

#endif
