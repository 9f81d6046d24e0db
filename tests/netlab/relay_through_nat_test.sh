#!/usr/bin/env bash
# Network lab: telepane-server on a "public" network, a host and a viewer each behind its own NAT router
# (iptables MASQUERADE, and a WAN firewall that drops unsolicited inbound as home routers do). The viewer connects
# by ID with paths [direct, relay] (punching is punch_test.sh's): direct TCP cannot pass the host's NAT, so the
# session runs through the relay. A capture on the server's namespace must hold the relayed session and none of the chat plaintext.
#
#   tests/netlab/relay_through_nat_test.sh BUILD_DIR        (root: it creates network namespaces)
#
# Addresses: 198.18.0.0/15 (the benchmarking range) for the "internet", 10.x for the LANs, all inside namespaces
# this script creates and deletes. Nothing outside them is touched.
set -euo pipefail
namespaces="srv rh h rv v"
. "$(dirname "$0")/netlab_lib.sh"
netlab_start "${1:-}" tpl

# veth pairs: router WAN <-> server, LAN host <-> router.
link srv s-rh 198.18.1.1/24 rh wan 198.18.1.2/24
link srv s-rv 198.18.2.1/24 rv wan 198.18.2.2/24
link rh lan 10.1.0.1/24 h eth0 10.1.0.2/24
link rv lan 10.2.0.1/24 v eth0 10.2.0.2/24
ip -n "$tag-h" route add default via 10.1.0.1
ip -n "$tag-v" route add default via 10.2.0.1
ip -n "$tag-rh" route add default via 198.18.1.1
ip -n "$tag-rv" route add default via 198.18.2.1
for r in rh rv; do home_router "$r" cone; done

# The server, and a capture of everything its namespace sees.
ip netns exec "$tag-srv" tcpdump -i any --immediate-mode -U -s 0 -w "$work/relay.pcap" tcp 2>"$work/tcpdump.err" &
pids+=($!)
wait_for "$work/tcpdump.err" 10 "listening on"
HOME=$work/srv TELEPANE_SYSCONFDIR=$work/etc ip netns exec "$tag-srv" "$bin/telepane-server" --data "$work/srv" \
  >"$work/server.out" 2>"$work/server.err" &
pids+=($!)
wait_for "$work/server.out" 20 "key: "
key=$(sed -n 's/^key: //p' "$work/server.out")

# Each peer's stdin is a FIFO whose only writer is this script: closing it is the end of their input.
mkfifo "$work/host.in" "$work/viewer.in"
env $(peer_env host 198.18.1.1) ip netns exec "$tag-h" "$bin/telepane" host --listen 0.0.0.0:21118 \
  <"$work/host.in" >"$work/host.out" 2>"$work/host.err" &
pids+=($!)
exec 7>"$work/host.in"
wait_for "$work/host.out" 20 "registered as"
id=$(sed -n 's/^id: //p' "$work/host.out")
otp=$(sed -n 's/^one-time password: //p' "$work/host.out" | tail -1)

# The viewer reaches the server at its other address: the "internet" is routed through the server's namespace.
env $(peer_env viewer 198.18.2.1 "connect: {paths: [direct, relay]}") ip netns exec "$tag-v" "$bin/telepane" connect "$id" --password "$otp" \
  <"$work/viewer.in" >"$work/viewer.out" 2>"$work/viewer.err" &
viewer_pid=$!
pids+=($viewer_pid)
exec 8>"$work/viewer.in"
wait_for "$work/viewer.out" 30 "session: established"
grep -q "connecting to $id (relay " "$work/viewer.out" || fail "the session did not take the relay"

secret_v="swordfish-from-the-viewer-$$"
secret_h="marlin-from-the-host-$$"
echo "$secret_v" >&8
wait_for "$work/host.out" 20 "viewer: $secret_v"
echo "$secret_h" >&7
wait_for "$work/viewer.out" 20 "host: $secret_h"
exec 8>&-  # end of the viewer's input: it leaves
for _ in $(seq 1 200); do kill -0 "$viewer_pid" 2>/dev/null || break; sleep 0.1; done
wait "$viewer_pid" || fail "the viewer exited with $?"

# Both peers reached the relay from their routers' public addresses: the NATs were in the path.
grep -Eq "relay: paired 198\.18\.[12]\.2:[0-9]+ with 198\.18\.[12]\.2:[0-9]+" "$work/server.err" ||
  fail "the relay did not pair the two NATed peers"

# Let the capture catch up (its size stops changing), then stop it so it flushes.
size=-1
for _ in $(seq 1 50); do
  now=$(stat -c %s "$work/relay.pcap")
  [ "$now" = "$size" ] && break
  size=$now
  sleep 0.2
done
kill "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
relayed=$(tcpdump -nr "$work/relay.pcap" 'tcp port 21117 and greater 100' 2>/dev/null | wc -l)
[ "$relayed" -gt 4 ] || fail "the capture holds no relayed session ($relayed packets)"
for secret in "$secret_v" "$secret_h"; do
  if grep -aq "$secret" "$work/relay.pcap"; then fail "the capture contains the chat plaintext '$secret'"; fi
done
# The capture does show cleartext where there is some: the rendezvous lookup names the host's ID.
grep -aq "$id" "$work/relay.pcap" || fail "sanity: the capture should show the looked-up ID"
echo "netlab: relayed session through two NATs; $relayed relayed packets captured, no plaintext in them"
