# What the netlab scripts share; sourced after `namespaces` (the short names of the namespaces the script makes)
# is set. Sets build, bin, tag, work, pids; skips (77) without root; deletes what the script made on exit.
#   netlab_start BUILD_DIR PREFIX
# fail MESSAGE: print the last lines of every peer's output and exit 1. wait_for FILE SECONDS TEXT.
netlab_start() {
  build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
  bin=$build/bin
  if [ "$(id -u)" -ne 0 ]; then
    echo "netlab: needs root for network namespaces (CI runs as root); skipped" >&2
    exit 77
  fi
  tag=$2$$
  work=$(mktemp -d /tmp/telepane-netlab.XXXXXX)
  pids=()
  trap netlab_cleanup EXIT
  for ns in $namespaces; do ip netns add "$tag-$ns"; ip -n "$tag-$ns" link set lo up; done
}
netlab_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for ns in $namespaces; do ip netns del "$tag-$ns" 2>/dev/null || true; done
  [ -n "${NETLAB_KEEP:-}" ] && echo "netlab: kept $work" >&2 || rm -rf "$work"
}
fail() {
  echo "netlab: FAILED: $*" >&2
  for f in "$work"/*.out "$work"/*.err; do [ -s "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done
  exit 1
}
wait_for() {
  for _ in $(seq 1 $(($2 * 10))); do grep -q -- "$3" "$1" 2>/dev/null && return 0; sleep 0.1; done
  fail "no '$3' in $1 within $2 s"
}
