#!/usr/bin/env bash
# Every plugin library built with telepane_add_plugin() exports exactly one symbol, tp_plugin_entry: hidden
# visibility plus the version script keep everything else local, so two plugins never bind to each other's code.
# usage: plugin_exports_test.sh PLUGIN.so...
set -euo pipefail
status=0
for lib in "$@"; do
  exports=$(nm -D --defined-only "$lib" | awk '{print $3}' | sort -u | tr '\n' ' ')
  if [ "$exports" != "tp_plugin_entry " ]; then
    echo "$lib exports: $exports" >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "$# plugins export only tp_plugin_entry"
exit $status
