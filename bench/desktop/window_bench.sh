#!/usr/bin/env bash
# The desktop window's drawing: a host shares a 1920x1080 desktop changing at 60 fps (desktop_scene), the desktop
# app on a second display connects to it by ID (typed with xdotool) and shows it for SECONDS. The window reports
# how many pictures it drew and how long each took from decoded to swapped onto the screen; a headless viewer in
# the same run gives the frame rate the stream itself delivers (the peer the window is measured against).
#
#   bench/desktop/window_bench.sh [--runs N] [--seconds S] [--window WxH]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=3
seconds=10
window=1600x1000
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--seconds S] [--window WxH]" >&2; exit 2 ;;
  esac
done
bin=$PWD/build/bin
scratch=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$scratch"
}
trap cleanup EXIT
home_env() { echo "HOME=$1 XDG_CONFIG_HOME=$1/config XDG_DATA_HOME=$1/data TELEPANE_SYSCONFDIR=$1/etc"; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
xvfb() {  # xvfb SIZE: starts one, prints its display
  local f="$scratch/display-$RANDOM"
  exec 5>"$f"
  Xvfb -displayfd 5 -screen 0 "$1" -nolisten tcp -noreset >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$f" ] && break; sleep 0.1; done
  echo ":$(head -n 1 "$f")"
}
wait_for() { for _ in $(seq 300); do grep -q -- "$2" "$1" && return 0; sleep 0.1; done; echo "bench: '$2' not in $1" >&2; cat "$1" >&2; exit 1; }

env HOME="$scratch/server" "$bin/telepane-server" --data "$scratch/server" -s rendezvous.listen=127.0.0.1:0 \
  -s relay.listen=127.0.0.1:0 >"$scratch/server.out" 2>&1 &
pids+=($!)
wait_for "$scratch/server.out" "key: "
rendezvous=$(awk '/^rendezvous listening on /{print $4}' "$scratch/server.out")
key=$(awk '/^key: /{print $2}' "$scratch/server.out")

host_display=$(xvfb 1920x1080x24)
app_display=$(xvfb 1920x1200x24)
DISPLAY=$host_display "$bin/desktop_scene" --fps 60 &
pids+=($!)
mkdir -p "$scratch/host"
env $(home_env "$scratch/host") DISPLAY="$host_display" "$bin/telepane" host --listen 127.0.0.1:0 --server "$rendezvous" \
  -k "$key" -s host.screen.max_fps=60 -s host.screen.quality=high -s 'host.screen.codecs=[h264]' </dev/null \
  >"$scratch/host.out" 2>&1 &
pids+=($!)
wait_for "$scratch/host.out" "registered as"
id=$(awk '/^id: /{print $2}' "$scratch/host.out")
otp() { awk '/^one-time password: /{print $3}' "$scratch/host.out" | tail -n 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "host: 1920x1080 desktop_scene at 60 fps, H.264, max_fps 60; window $window on a second Xvfb (Mesa llvmpipe)"
echo "runs: $runs x ${seconds} s, medians"
: >"$scratch/window"
: >"$scratch/headless"
for run in $(seq "$runs"); do
  home="$scratch/app-$run"
  mkdir -p "$home"
  env $(home_env "$home") DISPLAY="$app_display" "$bin/telepane" --server "$rendezvous" -k "$key" --listen 127.0.0.1:0 \
    -s org.telepane.frontend.imgui.width="${window%x*}" -s org.telepane.frontend.imgui.height="${window#*x}" \
    >"$home/out" 2>"$home/err" &
  app=$!
  wait_for "$home/out" "window: open"
  DISPLAY=$app_display xdotool mousemove 800 500
  sleep 0.3
  DISPLAY=$app_display xdotool type --delay 30 "$id"
  DISPLAY=$app_display xdotool key Return
  sleep 0.5
  DISPLAY=$app_display xdotool type --delay 30 "$(otp)"
  DISPLAY=$app_display xdotool key Return
  wait_for "$home/out" "viewer: connected"
  sleep "$seconds"
  kill "$app"
  wait "$app" || true
  grep '^.*window: ' "$home/err" | sed 's/.*window: //' | tee -a "$scratch/window.lines" |
    awk '{ for (i = 1; i <= NF; i++) { if ($i ~ /^\(/) fps = substr($i, 2); if ($i == "p50") p50 = $(i+1);
           if ($i == "p95") p95 = $(i+1); if ($i == "p99") p99 = $(i+1) + 0 } } END { print fps, p50 + 0, p95 + 0, p99 }' \
    >>"$scratch/window"
  sleep 0.5
  out=$(env $(home_env "$scratch/headless-$run") "$bin/telepane" connect "$id" --server "$rendezvous" -k "$key" \
    --password "$(otp)" --headless --duration "$seconds" --stats </dev/null 2>&1)
  echo "$out" | awk '/^screen: / { for (i = 1; i <= NF; i++) if ($i ~ /^\(/) print substr($i, 2) }' >>"$scratch/headless"
  sleep 0.5
done
w_fps=$(awk '{print $1}' "$scratch/window" | median)
w_p50=$(awk '{print $2}' "$scratch/window" | median)
w_p95=$(awk '{print $3}' "$scratch/window" | median)
w_p99=$(awk '{print $4}' "$scratch/window" | median)
h_fps=$(median <"$scratch/headless")
echo
echo "each run's window: "
sed 's/^/  /' "$scratch/window.lines"
echo
printf "window drew %s fps; decoded-to-swapped p50 %s ms, p95 %s ms, p99 %s ms (one frame interval at 60 fps: 16.7 ms)\n" \
  "$w_fps" "$w_p50" "$w_p95" "$w_p99"
printf "headless viewer decoded %s fps; window / headless: %.2f\n" "$h_fps" "$(echo "$w_fps $h_fps" | awk '{print $1 / $2}')"
