#!/usr/bin/env bash
# Network lab: which path a session takes between two peers behind home routers, and that it works. telepane-server
# sits on a "public" network; the host and the viewer each sit behind a router (NAT on its WAN side, and a firewall
# that drops unsolicited inbound). The viewer connects by ID with the default paths raced (direct TCP, UDP punch,
# relay); chat must go both ways on whatever path won.
#
#   tests/netlab/punch_test.sh BUILD_DIR TOPOLOGY        (root: it creates network namespaces)
#
# TOPOLOGY                    routers (host / viewer)             expected
#   cone-cone                 MASQUERADE / MASQUERADE             direct UDP path, no byte through the relay
#   cone-symmetric            MASQUERADE / --random-fully         the relay, chosen within 3 s
#   symmetric-symmetric       --random-fully / --random-fully     the relay, chosen within 3 s
#   udp-blocked               MASQUERADE / MASQUERADE, UDP dropped at the viewer's router: the relay within 3 s
#   same-nat                  both peers behind one router        the LAN path (the host's LAN address, over UDP)
#   upgrade                   cone-cone, but UDP between the two routers is dropped until the session started on
#                             the relay: the punch then succeeds and the session moves to the direct path
#   resume-upgrade            as upgrade, but first the relay connection is reset while UDP is still dropped: the
#                             session resumes on the relay, then UDP opens and it moves to the direct path
#   small-mtu                 cone-cone, but the link between the viewer's router and the internet carries only
#                             1000-byte packets: long chat lines (3000 bytes) still go both ways
#   rebind                    cone-cone; mid-session the host's router flushes conntrack and maps UDP to other
#                             ports: the session survives (resumed on a new path) and chat goes on
# `telepane nat` on the viewer must name its router's mapping (endpoint-independent or port dependent).
# Prints "netlab: setup TOPOLOGY PATH MS" (viewer start to established) for docs/benchmarks.md.
#
# Addresses: 198.18.0.0/15 (the benchmarking range) for the "internet", 10.x for the LANs, all inside namespaces
# this script creates and deletes. Nothing outside them is touched.
set -euo pipefail
topology=${2:?usage: $0 BUILD_DIR TOPOLOGY}
namespaces="srv rh h rv v"
. "$(dirname "$0")/netlab_lib.sh"
netlab_start "${1:-}" tpp

host_nat=cone viewer_nat=cone
case $topology in
  cone-cone | udp-blocked | same-nat | rebind | upgrade | resume-upgrade | small-mtu) ;;
  cone-symmetric) viewer_nat=symmetric ;;
  symmetric-symmetric) host_nat=symmetric viewer_nat=symmetric ;;
  *) fail "unknown topology '$topology'" ;;
esac

link srv s-rh 198.18.1.1/24 rh wan 198.18.1.2/24
ip netns exec "$tag-srv" sysctl -qw net.ipv4.ip_forward=1  # the "internet" between the two routers
link rh lan 10.1.0.1/24 h eth0 10.1.0.2/24
ip -n "$tag-h" route add default via 10.1.0.1
ip -n "$tag-rh" route add default via 198.18.1.1
home_router rh "$host_nat"
if [ "$topology" = same-nat ]; then
  # The viewer on a second LAN port of the host's router: the same NAT, the same public address.
  link rh lan2 10.1.1.1/24 v eth0 10.1.1.2/24
  ip -n "$tag-v" route add default via 10.1.1.1
  viewer_server=198.18.1.1
else
  link srv s-rv 198.18.2.1/24 rv wan 198.18.2.2/24
  link rv lan 10.2.0.1/24 v eth0 10.2.0.2/24
  ip -n "$tag-v" route add default via 10.2.0.1
  ip -n "$tag-rv" route add default via 198.18.2.1
  home_router rv "$viewer_nat"
  viewer_server=198.18.2.1
fi
if [ "$topology" = small-mtu ]; then
  ip -n "$tag-srv" link set s-rv mtu 1000
  ip -n "$tag-rv" link set wan mtu 1000
fi
if [ "$topology" = udp-blocked ]; then
  ip netns exec "$tag-rv" iptables -I FORWARD -p udp -j DROP
fi
block_udp() {  # STUN to the server passes; UDP between the two routers does not
  ip netns exec "$tag-rh" iptables "$1" FORWARD -p udp -d 198.18.2.0/24 -j DROP
  ip netns exec "$tag-rh" iptables "$1" FORWARD -p udp -s 198.18.2.0/24 -j DROP
}
case $topology in upgrade | resume-upgrade) block_udp -I ;; esac

HOME=$work/srv TELEPANE_SYSCONFDIR=$work/etc ip netns exec "$tag-srv" "$bin/telepane-server" --data "$work/srv" \
  >"$work/server.out" 2>"$work/server.err" &
pids+=($!)
wait_for "$work/server.out" 20 "key: "
key=$(sed -n 's/^key: //p' "$work/server.out")


# What the viewer's NAT looks like from the server's STUN reflector.
if [ "$topology" != udp-blocked ]; then
  env $(peer_env viewer "$viewer_server") ip netns exec "$tag-v" "$bin/telepane" nat >"$work/nat.out" 2>&1 ||
    fail "telepane nat failed"
  case $viewer_nat in
    cone) grep -q "^mapping: endpoint-independent" "$work/nat.out" || fail "nat: $(cat "$work/nat.out")" ;;
    symmetric) grep -q "^mapping: address and port dependent" "$work/nat.out" || fail "nat: $(cat "$work/nat.out")" ;;
  esac
  grep -q "^filtering: address and port dependent" "$work/nat.out" || fail "nat: $(cat "$work/nat.out")"
  echo "netlab: viewer NAT: $(grep -E '^(mapping|filtering):' "$work/nat.out" | tr '\n' ' ')"
else
  ! env $(peer_env viewer "$viewer_server") ip netns exec "$tag-v" "$bin/telepane" nat >"$work/nat.out" 2>&1 ||
    fail "telepane nat should fail with UDP blocked"
  grep -q "UDP to the server is blocked" "$work/nat.out" || fail "nat: $(cat "$work/nat.out")"
fi

mkfifo "$work/host.in" "$work/viewer.in"
env $(peer_env host 198.18.1.1) ip netns exec "$tag-h" "$bin/telepane" host --listen 0.0.0.0:21118 ${NETLAB_HOST_ARGS:-} \
  <"$work/host.in" >"$work/host.out" 2>"$work/host.err" &
pids+=($!)
exec 7>"$work/host.in"
wait_for "$work/host.out" 20 "registered as"
id=$(sed -n 's/^id: //p' "$work/host.out")
otp=$(sed -n 's/^one-time password: //p' "$work/host.out" | tail -1)

paths=""
[ "$topology" = same-nat ] && paths="--set connect.paths=[punch,relay]"  # the UDP LAN shortcut, not direct TCP
start=$(date +%s%N)
env $(peer_env viewer "$viewer_server") ip netns exec "$tag-v" "$bin/telepane" connect "$id" --password "$otp" \
  $paths ${NETLAB_VIEWER_ARGS:-} <"$work/viewer.in" >"$work/viewer.out" 2>"$work/viewer.err" &
viewer_pid=$!
pids+=($viewer_pid)
exec 8>"$work/viewer.in"
wait_for "$work/viewer.out" 30 "connecting to $id ("
chosen=$(date +%s%N)
[ "$topology" = upgrade ] && block_udp -D  # the session started on the relay: now the direct path opens
wait_for "$work/viewer.out" 30 "session: established"
established=$(date +%s%N)
path=$(sed -n "s/^connecting to $id (\(.*\))$/\1/p" "$work/viewer.out")
choose_ms=$(((chosen - start) / 1000000))
setup_ms=$(((established - start) / 1000000))

chat() {  # chat TAG: one line each way
  echo "from-the-viewer-$1-$$" >&8
  wait_for "$work/host.out" 20 "viewer: from-the-viewer-$1-$$"
  echo "from-the-host-$1-$$" >&7
  wait_for "$work/viewer.out" 20 "host: from-the-host-$1-$$"
}
chat first

case $topology in
  cone-cone | rebind | small-mtu)
    [[ $path == "direct udp 198.18.1.2:"* ]] || fail "expected a direct UDP path to the host's router, got '$path'" ;;
  same-nat)
    [[ $path == "direct udp 10.1.0.2:"* ]] || fail "expected the LAN path to 10.1.0.2, got '$path'" ;;
  upgrade)
    [[ $path == "relay "* ]] || fail "expected to start on the relay, got '$path'"
    wait_for "$work/viewer.out" 20 "session: path changed"
    grep -q "^path: direct udp 198.18.1.2:" "$work/viewer.out" || fail "the session did not move to the direct path"
    upgraded=$(date +%s%N)
    echo "netlab: moved to the direct path $(((upgraded - chosen) / 1000000)) ms after starting on the relay"
    chat after-upgrade ;;
  resume-upgrade)
    [[ $path == "relay "* ]] || fail "expected to start on the relay, got '$path'"
    # The viewer's router resets the relay connection (only that one: new connections pass) the next time the
    # viewer uses it; the session resumes by racing again, and with UDP still dropped the relay wins again.
    relay_port=${path##*:}
    local_port=$(ip netns exec "$tag-v" ss -tnH state established "( dport = :$relay_port )" |
      awk '{ n = split($3, a, ":"); print a[n]; exit }')
    [ -n "$local_port" ] || fail "no relay connection to reset"
    ip netns exec "$tag-rv" iptables -I FORWARD -p tcp -s 10.2.0.2 --sport "$local_port" -j REJECT --reject-with tcp-reset
    echo "from-the-viewer-during-reset-$$" >&8
    wait_for "$work/viewer.out" 30 "session: resumed"
    grep -q "resuming by relay " "$work/viewer.err" || fail "expected to resume on the relay: $(grep resuming "$work/viewer.err")"
    block_udp -D  # now the resumed race's punch can come through
    resumed=$(date +%s%N)
    wait_for "$work/viewer.out" 20 "session: path changed"
    grep -q "^path: direct udp 198.18.1.2:" "$work/viewer.out" || fail "the resumed session did not move to the direct path"
    echo "netlab: resumed on the relay, then moved to the direct path $((($(date +%s%N) - resumed) / 1000000)) ms after UDP opened"
    wait_for "$work/host.out" 20 "viewer: from-the-viewer-during-reset-$$"
    chat after-resume-upgrade ;;
  *)
    [[ $path == "relay "* ]] || fail "expected the relay, got '$path'"
    [ "$choose_ms" -le 3000 ] || fail "the relay took ${choose_ms} ms to be chosen (more than 3 s)" ;;
esac

if [ "$topology" = small-mtu ]; then  # messages larger than the path's packets: segments must shrink to fit
  long=$(head -c 3000 /dev/zero | tr '\0' 'm')
  echo "long-$long-$$" >&8
  wait_for "$work/host.out" 20 "viewer: long-$long-$$"
  echo "long-$long-$$" >&7
  wait_for "$work/viewer.out" 20 "host: long-$long-$$"
  echo "netlab: 3000-byte chat lines crossed a 1000-byte MTU both ways"
fi
if [ "$topology" = rebind ]; then
  # The host's NAT forgets every mapping and hands out UDP ports from another range: the punched path dies, the
  # viewer notices the silence, races again and resumes the same session on the new path.
  ip netns exec "$tag-rh" iptables -t nat -I POSTROUTING 1 -o wan -p udp -j MASQUERADE --to-ports 40000-40999
  ip netns exec "$tag-rh" conntrack -F 2>/dev/null
  flushed=$(date +%s%N)
  wait_for "$work/viewer.out" 30 "session: resumed"
  echo "netlab: resumed $(((($(date +%s%N) - flushed)) / 1000000)) ms after the flush," \
    "$(grep -o 'resuming by .*' "$work/viewer.err" | tail -1)"
  chat after-rebind
  # Usually on a new punched path. When the viewer notices the silence before the host's next heartbeat has opened
  # its router to the rendezvous server again, the punch request waits for that heartbeat and the relay wins the
  # race: the session survives either way, and never on the dead mapping.
  grep -Eq "resuming by (direct udp 198.18.1.2:40|relay )" "$work/viewer.err" ||
    fail "not resumed on a new path: $(grep resuming "$work/viewer.err")"
fi

exec 8>&-  # end of the viewer's input: it leaves
for _ in $(seq 1 200); do kill -0 "$viewer_pid" 2>/dev/null || break; sleep 0.1; done
wait "$viewer_pid" || fail "the viewer exited with $?"

case $topology in
  cone-cone | same-nat)
    # The relay was raced too; it must have carried nothing of the session.
    if grep -Eq "bytes forwarded" "$work/server.err"; then
      grep -Eq "ended: [1-9][0-9]* bytes forwarded" "$work/server.err" && fail "the relay forwarded session bytes"
    fi
    ;;
  upgrade | resume-upgrade)  # what went over the relay before the move, and nothing after: it ended with the move
    grep -Eq "ended: [1-9][0-9]* bytes forwarded" "$work/server.err" || fail "the relay carried nothing before the move" ;;
  *) [[ $path == "relay "* ]] && { grep -q "relay: paired" "$work/server.err" || fail "the relay did not pair"; } ;;
esac
echo "netlab: setup $topology ${path%% [0-9]*} ${setup_ms} ms (path chosen after ${choose_ms} ms)"
