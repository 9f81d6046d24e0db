/* The loader benchmark's plugin: copied to N files, each of which names itself after its file
 * (bench-plugin-17.so -> org.telepane.bench.p17) so that N copies are N distinct plugins. */
#define _GNU_SOURCE
#include <telepane/abi/tp_plugin.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char id[64];
static tp_plugin_desc desc;

TP_EXPORT const tp_plugin_desc* tp_plugin_entry(uint16_t host_abi_major, uint16_t host_abi_minor) {
  Dl_info info;
  const char* base;
  const char* dash;
  (void)host_abi_major;
  (void)host_abi_minor;
  if (dladdr((void*)&tp_plugin_entry, &info) == 0 || info.dli_fname == NULL) return NULL;
  base = strrchr(info.dli_fname, '/');
  base = base ? base + 1 : info.dli_fname;
  dash = strrchr(base, '-');
  snprintf(id, sizeof id, "org.telepane.bench.p%d", dash ? atoi(dash + 1) : 0);
  desc.struct_size = sizeof desc;
  desc.abi_major = TP_ABI_MAJOR;
  desc.abi_minor = TP_ABI_MINOR;
  desc.id = id;
  desc.version.major = 1;
  return &desc;
}
