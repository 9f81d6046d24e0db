#!/usr/bin/env bash
# Network lab: a session on a constrained path: 20 Mbit/s (tc tbf), 50 ms round trip (25 ms each way through a
# TUN device the test routes every packet through, tests/netlab/tun_delay.cpp: this kernel has no netem;
# NETLAB_DELAY_MS sets the one-way delay) and 2% loss each way (iptables statistic). The host shares a busy desktop (desktop_scene at 30 fps on Xvfb: scrolling text and a window of
# video-like noise); the headless viewer watches for 20 s over TRANSPORT (tcp: the kernel's TCP, or udp: the udp
# transport's own reliable stream) while it sends 300 numbered chat lines. The stream must keep playing with
# capture-to-decoded latency p95 under 300 ms (the host's rate control holds about two frames in flight; the
# transport must recover losses within round trips, not timeouts), and every chat line must arrive, in order.
#
#   tests/netlab/constrained_stream_test.sh BUILD_DIR TRANSPORT        (root: it creates network namespaces)
#
# Addresses: 10.77.1.0/24 and 10.77.2.0/24, inside namespaces this script creates and deletes.
set -euo pipefail
transport=${2:-tcp}
namespaces="h m v"
. "$(dirname "$0")/netlab_lib.sh"
netlab_start "${1:-}" tpc
case $transport in tcp) address=10.77.1.2:21118 ;; udp) address=udp:10.77.1.2:21118 ;; *) fail "transport '$transport'" ;; esac

constrained_path "${NETLAB_DELAY_MS:-25}" 0.02 20mbit

# The host's desktop: Xvfb and a scene that changes 30 times a second, inside the host's namespace.
exec 4>"$work/display"
ip netns exec "$tag-h" Xvfb -displayfd 4 -screen 0 1280x720x24 -nolisten tcp -noreset >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || fail "Xvfb did not start"
display=":$(head -n 1 "$work/display")"
DISPLAY=$display ip netns exec "$tag-h" "$bin/desktop_scene" --fps 30 --video 320x180 >"$work/scene.out" 2>"$work/scene.err" &
pids+=($!)

home() {  # home NAME: a scratch home for one peer
  mkdir -p "$work/$1/config/telepane"
  echo 'org.telepane.auth.password: {memory_mib: 8}' >"$work/$1/config/telepane/peer.yaml"
  echo "HOME=$work/$1 XDG_CONFIG_HOME=$work/$1/config XDG_DATA_HOME=$work/$1/data TELEPANE_SYSCONFDIR=$work/etc"
}
mkfifo "$work/host.in"
env $(home host) DISPLAY="$display" ip netns exec "$tag-h" "$bin/telepane" host --listen 10.77.1.2:21118 \
  --set host.screen.max_fps=30 --set host.screen.quality=high <"$work/host.in" >"$work/host.out" 2>"$work/host.err" &
pids+=($!)
exec 7>"$work/host.in"
wait_for "$work/host.out" 20 "full id: "
otp=$(sed -n 's/^one-time password: //p' "$work/host.out" | tail -1)
full_id=$(sed -n 's/^full id: //p' "$work/host.out")

# The viewer's chat: 300 numbered lines, a few every 50 ms, once the session is up; then it watches to the end.
lines=300
(
  for _ in $(seq 100); do grep -q "session: established" "$work/viewer.out" 2>/dev/null && break; sleep 0.1; done
  sleep 2
  for i in $(seq 1 $lines); do echo "line-$i-of-$lines"; [ $((i % 5)) -eq 0 ] && sleep 0.05; done
  sleep 30
) | env $(home viewer) ip netns exec "$tag-v" timeout 90 "$bin/telepane" connect "$full_id" --address "$address" \
  --password "$otp" --headless --duration 20 --stats --set "connect.codecs=[h264]" \
  >"$work/viewer.out" 2>"$work/viewer.err" || fail "the viewer exited with $?"
grep -q "connecting to .* (direct $transport " "$work/viewer.out" || fail "the session did not take $transport"
stats=$(grep '^screen: ' "$work/viewer.out") || fail "the viewer printed no stats"
grep -q "; path: direct $transport 10.77.1.2:21118$" <<<"$stats" || fail "the stats do not name the path"
echo "netlab: $transport: $stats"
dropped=$(ip netns exec "$tag-m" iptables -nvL FORWARD | awk '/statistic/ {s += $1} END {print s + 0}')
echo "netlab: the loss rules dropped $dropped packets"
[ "$dropped" -gt 0 ] || fail "the loss rules dropped nothing: the path was not lossy"

# Every chat line, once, in order.
got=$(grep -o 'viewer: line-[0-9]*-of-' "$work/host.out" | sed 's/viewer: line-\([0-9]*\)-of-/\1/' | tr '\n' ' ')
want=$(seq -s ' ' 1 $lines)
[ "$got" = "$want " ] || fail "chat lines lost or out of order: got $(wc -w <<<"$got") of $lines"

fps=$(sed -E 's/.*\(([0-9.]+) fps\).*/\1/' <<<"$stats")
p95=$(sed -E 's/.* p95 ([0-9.]+) .*/\1/' <<<"$stats")
mbps=$(sed -E 's/.*, ([0-9.]+) Mbit\/s,.*/\1/' <<<"$stats")
awk -v f="$fps" 'BEGIN { exit !(f >= 10) }' || fail "the stream did not keep playing: $fps fps"
awk -v p="$p95" 'BEGIN { exit !(p < 300) }' || fail "capture-to-decoded p95 $p95 ms (limit 300)"
awk -v m="$mbps" 'BEGIN { exit !(m <= 20.5) }' || fail "$mbps Mbit/s on a 20 Mbit/s path"
echo "netlab: constrained path over $transport: $fps fps, p95 $p95 ms, $mbps Mbit/s, $lines chat lines in order"
