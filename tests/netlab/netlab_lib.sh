# What the netlab scripts share; sourced after `namespaces` (the short names of the namespaces the script makes)
# is set. Sets build, bin, tag, work, pids; skips (77) without root; deletes what the script made on exit.
#   netlab_start BUILD_DIR PREFIX
# fail MESSAGE: print the last lines of every peer's output and exit 1. wait_for FILE SECONDS TEXT.
# link NS_A IF_A ADDR_A NS_B IF_B ADDR_B: a veth pair. home_router NS MODE: NAT on its "wan" (cone: MASQUERADE;
# symmetric: MASQUERADE --random-fully) behind a firewall that drops unsolicited inbound, as home routers do.
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
link() {
  ip link add "$2" netns "$tag-$1" type veth peer name "$5" netns "$tag-$4"
  ip -n "$tag-$1" addr add "$3" dev "$2"
  ip -n "$tag-$4" addr add "$6" dev "$5"
  ip -n "$tag-$1" link set "$2" up
  ip -n "$tag-$4" link set "$5" up
}
home_router() {
  local ns=$tag-$1
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
  if [ "$2" = symmetric ]; then
    ip netns exec "$ns" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE --random-fully
  else
    ip netns exec "$ns" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE
  fi
  # Without this, an early unsolicited packet would create a conntrack entry that takes the mapped port.
  for chain in INPUT FORWARD; do
    ip netns exec "$ns" iptables -A "$chain" -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
    ip netns exec "$ns" iptables -A "$chain" -i wan -j DROP
  done
}
