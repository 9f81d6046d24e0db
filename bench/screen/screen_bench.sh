#!/usr/bin/env bash
# The screen benchmark: Telepane's stream on one machine (host and headless viewer on loopback) against the
# minimal reference pipeline (reference_pipeline) and ffmpeg's x11grab into the same encoder, on one Xvfb desktop,
# in the same run. Prints medians of --runs runs; results go to docs/benchmarks.md.
#   bench/screen/screen_bench.sh [--runs 3] [--seconds 10] [--build build]
# Scenes: "desktop" (desktop_scene: text scrolling 4 px a frame and a moving box, 1920x1080, 60 fps target),
# "office" (a real xterm scrolling text, the host capped at 30 fps) and "idle" (nothing moves).
set -euo pipefail
runs=3 seconds=10 build=build
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--seconds S] [--build DIR]" >&2; exit 2 ;;
  esac
done
bin=$(cd "$build/bin" && pwd)
scratch=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

exec 4>"$scratch/display"
Xvfb -displayfd 4 -screen 0 1920x1080x24 -nolisten tcp -noreset >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$scratch/display" ] && break; sleep 0.1; done
export DISPLAY=":$(head -n 1 "$scratch/display")"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system CPU of a process, in clock ticks
hz=$(getconf CLK_TCK)
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
home_env() { echo "HOME=$1 XDG_CONFIG_HOME=$1/config XDG_DATA_HOME=$1/data TELEPANE_SYSCONFDIR=$1/etc"; }

# start_host FPS: a host sharing $DISPLAY from its own scratch home; sets host_pid and host_log.
start_host() {
  local home="$scratch/host-$RANDOM"
  mkdir -p "$home"
  host_log="$home/log"
  env $(home_env "$home") "$bin/telepane" host --listen 127.0.0.1:0 --set host.screen.max_fps="$1" \
    --set host.screen.quality=high </dev/null >"$host_log" 2>&1 &
  host_pid=$!
  for _ in $(seq 100); do grep -q "^listening on " "$host_log" && grep -q "^one-time password: " "$host_log" && break; sleep 0.1; done
}
stop_host() { kill "$host_pid"; wait "$host_pid" 2>/dev/null || true; }

# view CODEC SECONDS: a headless viewer with --stats; prints "fps p50 p95 p99 mbps host_cpu viewer_cpu" (CPU in
# cores: seconds of CPU per second).
view() {
  local home="$scratch/viewer-$RANDOM" address otp id out h0 h1 v1
  mkdir -p "$home"
  address=$(awk '/^listening on /{print $3}' "$host_log")
  otp=$(awk '/^one-time password: /{print $3}' "$host_log" | tail -n 1)
  id=$(awk '/^id: /{print $2}' "$host_log")
  h0=$(ticks "$host_pid")
  out=$(env $(home_env "$home") /usr/bin/time -f "viewer-cpu %U %S" "$bin/telepane" connect "$id" --address "$address" \
    --password "$otp" --headless --duration "$2" --stats --set "connect.codecs=[$1]" </dev/null 2>&1)
  h1=$(ticks "$host_pid")
  echo "$out" | awk -v hcpu="$(( h1 - h0 ))" -v hz="$hz" -v s="$2" '
    /^screen: / { for (i = 1; i <= NF; i++) { if ($i ~ /^\(/) fps = substr($i, 2); if ($i == "Mbit/s,") mbps = $(i-1);
                  if ($i == "p50") p50 = $(i+1); if ($i == "p95") p95 = $(i+1); if ($i == "p99") p99 = $(i+1) + 0 } }
    /^viewer-cpu / { vcpu = ($2 + $3) / s }
    END { printf "%s %s %s %s %s %.3f %.3f\n", fps, p50, p95, p99, mbps, hcpu / hz / s, vcpu }'
}

col() { awk -v c="$1" '{print $c}' | median; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); display $DISPLAY 1920x1080"
echo "runs: $runs x ${seconds} s, medians"
echo

"$bin/desktop_scene" --fps 60 &
scene=$!
pids+=($scene)
sleep 1
for codec in h264 vp9; do
  : >"$scratch/tp" ; : >"$scratch/ref" ; : >"$scratch/ff"
  for _ in $(seq "$runs"); do
    start_host 60
    view "$codec" "$seconds" >>"$scratch/tp"
    stop_host
    "$bin/reference_pipeline" --codec "$codec" --fps 60 --seconds "$seconds" | awk '{print $2, $4, $6, $8, $10}' >>"$scratch/ref"
    if [ "$codec" = h264 ]; then enc=(-c:v libx264 -preset ultrafast -tune zerolatency -b:v 8M -threads 2)
    else enc=(-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -row-mt 1 -tile-columns 1 -threads 2 -b:v 8M); fi
    /usr/bin/time -f "cpu %U %S" ffmpeg -hide_banner -nostats -loglevel error -progress "$scratch/ffprogress" \
      -f x11grab -framerate 60 -video_size 1920x1080 -i "$DISPLAY" -t "$seconds" "${enc[@]}" -f null - \
      2>"$scratch/fftime" || true
    frames=$(awk -F= '/^frame=/{f=$2} END {print f + 0}' "$scratch/ffprogress")
    awk -v f="$frames" -v s="$seconds" '/^cpu /{printf "%.1f %.3f\n", f / s, ($2 + $3) / s}' "$scratch/fftime" >>"$scratch/ff"
  done
  tp_fps=$(col 1 <"$scratch/tp"); tp_p50=$(col 2 <"$scratch/tp"); tp_p95=$(col 3 <"$scratch/tp")
  tp_p99=$(col 4 <"$scratch/tp"); tp_mbps=$(col 5 <"$scratch/tp"); tp_hcpu=$(col 6 <"$scratch/tp"); tp_vcpu=$(col 7 <"$scratch/tp")
  ref_fps=$(col 1 <"$scratch/ref"); ref_p50=$(col 2 <"$scratch/ref"); ref_p95=$(col 3 <"$scratch/ref")
  ref_p99=$(col 4 <"$scratch/ref"); ref_cpu=$(col 5 <"$scratch/ref")
  ff_fps=$(col 1 <"$scratch/ff"); ff_cpu=$(col 2 <"$scratch/ff")
  echo "desktop 1080p, 60 fps target, $codec"
  echo "  telepane:  fps $tp_fps  latency ms p50 $tp_p50 p95 $tp_p95 p99 $tp_p99  $tp_mbps Mbit/s  host CPU $tp_hcpu cores, viewer $tp_vcpu"
  echo "  reference: fps $ref_fps  latency ms p50 $ref_p50 p95 $ref_p95 p99 $ref_p99  CPU $ref_cpu cores (both ends)"
  echo "  ffmpeg x11grab -> same encoder: fps $ff_fps  CPU $ff_cpu cores (no decoding, no network)"
  awk -v a="$tp_fps" -v b="$ref_fps" -v c="$ff_fps" -v l="$tp_p50" -v r="$ref_p50" -v h="$tp_hcpu" -v v="$tp_vcpu" -v rc="$ref_cpu" \
    'BEGIN { printf "  ratios: fps %.2fx reference, %.2fx ffmpeg; latency p50 %.2fx reference; CPU (host + viewer) %.2fx reference\n", a / b, a / c, l / r, (h + v) / rc }'
  echo
done
kill "$scene"; wait "$scene" 2>/dev/null || true

# Office: a real terminal scrolling text, the host capped at 30 fps.
xterm -geometry 160x50+0+0 -e sh -c 'while :; do ls -l /usr/lib/x86_64-linux-gnu; done' >/dev/null 2>&1 &
office=$!
pids+=($office)
sleep 1
for codec in h264 vp9; do
  : >"$scratch/office"
  for _ in $(seq "$runs"); do
    start_host 30
    view "$codec" "$seconds" >>"$scratch/office"
    stop_host
  done
  echo "office (xterm scrolling text), 30 fps cap, $codec: fps $(col 1 <"$scratch/office"), $(col 5 <"$scratch/office") Mbit/s, host CPU $(col 6 <"$scratch/office") cores, latency p50 $(col 2 <"$scratch/office") ms"
done
kill "$office"; wait "$office" 2>/dev/null || true

# Idle: nothing moves. The host's CPU is sampled over $seconds once the session is up and the first picture sent
# (3 s in); the viewer's stats give the bytes of the whole session.
xterm -geometry 100x30+0+0 -e sh -c 'echo a still desktop; sleep 100000' >/dev/null 2>&1 &
still=$!
pids+=($still)
sleep 1
: >"$scratch/idle"
for _ in $(seq "$runs"); do
  start_host 30
  view h264 $((seconds + 4)) >"$scratch/idle-view" &
  viewer_job=$!
  sleep 3
  t0=$(ticks "$host_pid")
  sleep "$seconds"
  t1=$(ticks "$host_pid")
  wait "$viewer_job"
  echo "$(( t1 - t0 )) $(awk '{print $5}' "$scratch/idle-view") $(awk '{print $1}' "$scratch/idle-view")" |
    awk -v hz="$hz" -v s="$seconds" '{printf "%.4f %s %s\n", $1 / hz / s, $2, $3}' >>"$scratch/idle"
  stop_host
done
echo "idle desktop: host CPU $(col 1 <"$scratch/idle" | awk '{printf "%.1f", $1 * 100}')% of one core over ${seconds} s of stillness; $(col 2 <"$scratch/idle") Mbit/s over the whole session (the first picture and its refinements)"
