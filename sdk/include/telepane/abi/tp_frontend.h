/* Telepane plugin ABI: frontends (TP_KIND_FRONTEND): the desktop window, the headless terminal UI.
 * A frontend owns the main thread while it runs (GLFW needs it) and talks to the core through the event bus. */
#ifndef TELEPANE_ABI_TP_FRONTEND_H
#define TELEPANE_ABI_TP_FRONTEND_H

#include "tp_host.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tp_frontend_vtbl {
  uint32_t struct_size;
  /* Runs until the person quits or request_quit() was called; returns the process exit code.
   * [main thread] blocks. */
  int32_t (*run)(const tp_host* host, tp_error* err);
  /* Asks run() to return soon. [any thread] */
  void (*request_quit)(const tp_host* host);
} tp_frontend_vtbl;

#ifdef __cplusplus
}
#endif

#endif
