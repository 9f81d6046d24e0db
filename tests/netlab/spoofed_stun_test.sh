#!/usr/bin/env bash
# Network lab: an attacker sends the rendezvous server's UDP ports requests whose source address is forged to be a
# victim's (its router rewrites the source). Whatever the server answers goes to the victim; it must never receive
# more bytes than the attacker sent: short requests, garbage and old-style requests get nothing, padded STUN
# requests (also those asking for an answer from the other port) an answer no larger than themselves. The server
# keeps serving an honest client afterwards.
#
#   tests/netlab/spoofed_stun_test.sh BUILD_DIR        (root: it creates network namespaces)
#
# Addresses: 198.18.3.0/24 (attacker) and 198.18.4.0/24 (victim), inside namespaces this script creates.
set -euo pipefail
namespaces="srv a x"
. "$(dirname "$0")/netlab_lib.sh"
netlab_start "${1:-}" tps

link srv s-a 198.18.3.1/24 a eth0 198.18.3.2/24
link srv s-x 198.18.4.1/24 x eth0 198.18.4.2/24
ip -n "$tag-a" route add default via 198.18.3.1
ip -n "$tag-x" route add default via 198.18.4.1
for s in all default s-a; do ip netns exec "$tag-srv" sysctl -qw "net.ipv4.conf.$s.rp_filter=0"; done
# The forgery: everything the attacker sends leaves with the victim's address.
ip netns exec "$tag-a" iptables -t nat -A POSTROUTING -o eth0 -p udp -j SNAT --to-source 198.18.4.2
# Byte counters (IP and UDP headers included, alike on both sides): what the attacker sent, what the victim got.
ip netns exec "$tag-a" iptables -A OUTPUT -o eth0 -p udp -j ACCEPT
ip netns exec "$tag-x" iptables -A INPUT -i eth0 -p udp -j ACCEPT
counted() { ip netns exec "$tag-$1" iptables -nvxL "$2" | awk 'NR == 3 { print $2 }'; }

HOME=$work/srv TELEPANE_SYSCONFDIR=$work/etc ip netns exec "$tag-srv" "$bin/telepane-server" --data "$work/srv" \
  >"$work/server.out" 2>"$work/server.err" &
pids+=($!)
wait_for "$work/server.out" 20 "key: "

send() {  # send FILE PORT: one datagram
  ip netns exec "$tag-a" bash -c "cat '$1' >/dev/udp/198.18.3.1/$2"
}
txid='\x74\x65\x6c\x65\x70\x61\x6e\x65\x2d\x6c\x61\x62'
printf "\x00\x01\x00\x00\x21\x12\xa4\x42$txid" >"$work/short"             # a Binding request of 20 bytes
{ printf "\x00\x01\x00\x50\x21\x12\xa4\x42$txid\x00\x26\x00\x4c"; head -c 76 /dev/zero; } >"$work/padded"  # 100 bytes
{ printf "\x00\x01\x00\x58\x21\x12\xa4\x42$txid\x00\x03\x00\x04\x00\x00\x00\x02\x00\x26\x00\x4c"
  head -c 76 /dev/zero; } >"$work/change"                                   # 108 bytes, "answer from the other port"
printf 'TPU1' >"$work/old"
head -c 300 /dev/urandom >"$work/garbage"
for port in 21116 21115; do
  for f in short old garbage; do send "$work/$f" $port; done
done
# Padded and change-port requests, 600 in all.
for _ in $(seq 1 150); do
  for port in 21116 21115; do send "$work/padded" $port; send "$work/change" $port; done
done
sleep 1
sent=$(counted a OUTPUT)
received=$(counted x INPUT)
echo "netlab: the attacker sent $sent bytes with the victim's address; the victim received $received"
[ "${sent:-0}" -gt 60000 ] || fail "the attacker's datagrams were not counted ($sent bytes)"
[ "${received:-0}" -gt 0 ] || fail "sanity: the server should answer padded requests (the victim got nothing)"
[ "$received" -le "$sent" ] || fail "amplification: the victim got $received bytes for $sent sent"
grep -q "STUN request shorter than its answer" "$work/server.err" || fail "the short request was not refused"

# Still serving: an honest client's question is answered.
ip -n "$tag-a" route add 198.18.4.0/24 via 198.18.3.1
ip netns exec "$tag-a" iptables -t nat -F
ip netns exec "$tag-a" "$bin/telepane" nat --server 198.18.3.1 >"$work/nat.out" 2>&1 || fail "the server stopped answering"
grep -q "^mapped address: 198.18.3.2:" "$work/nat.out" || fail "nat: $(cat "$work/nat.out")"
echo "netlab: no amplification ($received <= $sent bytes), and the server still answers"
