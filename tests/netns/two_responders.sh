#!/usr/bin/env bash
# Two network namespaces joined by a veth pair, made by the test (run under `unshare -n`):
# this one (A, 10.99.0.1, fd99::1) and a child (B, 10.99.0.2, fd99::2). A responder in each
# joins 239.1.2.3 and ff15::1234 on its end of the pair; a client in A sends to the groups and
# to the broadcast address, then B's IPv4 responder stops (leaving its group) and the client
# sends again. Nothing here reaches a real network. Usage: two_responders.sh BIN OUT_DIR
set -euo pipefail
BIN=$1
OUT=$2
ip link set lo up
unshare -n bash -c '
  while ! ip link show vB >/dev/null 2>&1; do sleep 0.02; done
  ip link set lo up
  ip addr add 10.99.0.2/24 brd 10.99.0.255 dev vB
  ip addr add fd99::2/64 dev vB nodad
  ip link set vB up
  ip route add 224.0.0.0/4 dev vB
  "$0" serve udp --bind [::]:5000 --join ff15::1234 --iface vB > "$1/b6.log" 2>&1 &
  B6=$!
  "$0" serve udp --bind 0.0.0.0:5000 --join 239.1.2.3 --iface vB > "$1/b4.log" 2>&1 &
  B4=$!
  # USR1 stops the IPv4 responder here (it leaves its group); TERM stops both, so none is
  # left running after the test. (A background job ignores SIGINT, and its shell cannot trap
  # it.) This shell keeps the namespace, and so the veth pair, until the end.
  trap "kill -TERM $B4 2>/dev/null" USR1
  trap "kill -TERM $B4 $B6 2>/dev/null; wait; exit 0" TERM
  while kill -0 $B6 2>/dev/null; do wait; done
' "$BIN" "$OUT" &
B=$!
while [ "$(readlink /proc/$B/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do sleep 0.02; done
ip link add vA type veth peer name vB
ip link set vB netns "$B"
ip addr add 10.99.0.1/24 brd 10.99.0.255 dev vA
ip addr add fd99::1/64 dev vA nodad
ip link set vA up
ip route add 224.0.0.0/4 dev vA
"$BIN" serve udp --bind 0.0.0.0:5000 --join 239.1.2.3 --iface vA > "$OUT/a4.log" 2>&1 &
A4=$!
"$BIN" serve udp --bind [::]:5000 --join ff15::1234 --iface vA > "$OUT/a6.log" 2>&1 &
A6=$!
# Every responder has joined (bounded: 10 s).
for _ in $(seq 500); do
  n=$(cat "$OUT"/a4.log "$OUT"/a6.log "$OUT"/b4.log "$OUT"/b6.log 2>/dev/null | grep -c "Joined the multicast group" || true)
  [ "$n" -ge 4 ] && break
  sleep 0.02
done
"$BIN" send udp 239.1.2.3:5000 hola4 --timeout-ms 500 --ttl 2 > "$OUT/v4.out" 2>&1 || echo "exit $?" >> "$OUT/v4.out"
"$BIN" send udp [ff15::1234]:5000 hola6 --timeout-ms 500 --iface vA > "$OUT/v6.out" 2>&1 || echo "exit $?" >> "$OUT/v6.out"
"$BIN" send udp 10.99.0.255:5000 todos --broadcast --timeout-ms 500 > "$OUT/broadcast.out" 2>&1 || echo "exit $?" >> "$OUT/broadcast.out"
"$BIN" send udp 239.1.2.3:5000 first --timeout-ms 2000 --replies 1 > "$OUT/first.out" 2>&1 || echo "exit $?" >> "$OUT/first.out"
kill -USR1 "$B"
for _ in $(seq 500); do grep -q "Left the multicast group" "$OUT/b4.log" 2>/dev/null && break; sleep 0.02; done
"$BIN" send udp 239.1.2.3:5000 again --timeout-ms 500 > "$OUT/after.out" 2>&1 || echo "exit $?" >> "$OUT/after.out"
kill -INT "$A4" "$A6"
kill -TERM "$B"
wait "$A4" "$A6" "$B" || true
