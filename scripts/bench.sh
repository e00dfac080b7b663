#!/usr/bin/env bash
# make bench: catalogue figures (plads-bench) and desktop figures (launch to results, PSS),
# each desktop figure next to an empty Tauri window built the same way. Writes
# docs/benchmarks.md and prints it.
# Usage: scripts/bench.sh RELEASE_DIR   (with plads, plads-bench, pladsoverblik, examples/empty_window)
set -euo pipefail
REL=${1:?release dir}
OFFERS=${OFFERS:-100000}
RUNS=${RUNS:-5}
OUT=${OUT:-docs/benchmarks.md}
WORK=$(mktemp -d)
trap 'kill ${XVFB:-} 2>/dev/null || true; rm -rf "$WORK"' EXIT

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
core_md=$("$REL/plads-bench" --offers "$OFFERS" --iterations 200)

# A data directory holding the generated catalogue, imported once.
"$REL/plads" generate-catalogue --offers "$OFFERS" --seed 42 > "$WORK/katalog.json"
mkdir -p "$WORK/data"
"$REL/plads" import-catalogue "$WORK/katalog.json" --db "$WORK/data/pladsoverblik.sqlite" >/dev/null

DISPLAY_NO=:$((70 + RANDOM % 20))
Xvfb "$DISPLAY_NO" -screen 0 1400x900x24 -nolisten tcp >/dev/null 2>&1 & XVFB=$!
export DISPLAY=$DISPLAY_NO GSETTINGS_BACKEND=memory
sleep 0.5

descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
pss_mb() {
  local total=0 p kb
  for p in "$1" $(descendants "$1"); do
    kb=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo $((total / 1024))
}

# run BINARY -> "ms pss_mb ms_min ms_max pss_min pss_max" (median of RUNS launches, spread)
measure() {
  local bin=$1 times=() pss=() i ready start pid now
  for i in $(seq "$RUNS"); do
    ready="$WORK/ready"; rm -f "$ready"
    start=$(date +%s%N)
    PLADSOVERBLIK_DATA_DIR="$WORK/data" PLADSOVERBLIK_READY_FILE="$ready" "$bin" >/dev/null 2>&1 & pid=$!
    for _ in $(seq 600); do [ -s "$ready" ] && break; sleep 0.02; done
    if [ ! -s "$ready" ]; then kill "$pid" 2>/dev/null; echo "no ready signal from $bin" >&2; return 1; fi
    times+=($(( ($(cat "$ready") - start) / 1000000 )))
    sleep 2   # let memory settle after the first paint
    pss+=($(pss_mb "$pid"))
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  done
  local mt mp
  mt=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  mp=$(printf '%s\n' "${pss[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  echo "$mt $mp $(printf '%s\n' "${times[@]}" | sort -n | sed -n '1p;$p' | tr '\n' ' ')$(printf '%s\n' "${pss[@]}" | sort -n | sed -n '1p;$p' | tr '\n' ' ')"
}

read -r app_ms app_pss app_ms_lo app_ms_hi app_pss_lo app_pss_hi < <(measure "$REL/pladsoverblik")
read -r floor_ms floor_pss floor_ms_lo floor_ms_hi floor_pss_lo floor_pss_hi < <(measure "$REL/examples/empty_window")

{
  echo "# Benchmarks"
  echo
  echo "Measured by \`make bench\` on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date +%d.%m.%Y)."
  echo "Release build (\`--features custom-protocol\`). Each figure is the median of $RUNS runs with the spread"
  echo "(lowest–highest) beside it, so a figure at the edge shows as such. Load average at the start: $LOAD."
  echo "Targets (issue 16): import of $OFFERS offers ≤ 2,5 s including the automatic backup before it, peak RSS"
  echo "≤ 400 MB; search p99 ≤ 5 ms for every query and ≤ 1,5× a bare FTS5 MATCH at p50 and p99; first contract"
  echo "PDF in a process ≤ 40 ms, then p99 ≤ 25 ms; results on screen ≤ 0,5 s from launch, memory ≤ the empty"
  echo "window + 40 MB."
  echo
  echo "$core_md"
  echo
  echo "## Skrivebordsprogrammet med $OFFERS tilbud (median af $RUNS starter, under Xvfb)"
  echo
  echo "| måling | Pladsoverblik | tomt Tauri-vindue (gulv) | forskel |"
  echo "|---|---|---|---|"
  echo "| start til første resultater på skærmen | $app_ms ms ($app_ms_lo–$app_ms_hi) | $floor_ms ms ($floor_ms_lo–$floor_ms_hi; side indlæst) | $((app_ms - floor_ms)) ms |"
  echo "| hukommelse, PSS summeret over app + WebKit-processer | $app_pss MB ($app_pss_lo–$app_pss_hi) | $floor_pss MB ($floor_pss_lo–$floor_pss_hi) | $((app_pss - floor_pss)) MB |"
  if [ -f docs/benchmarks-changes.md ]; then
    echo
    cat docs/benchmarks-changes.md
  fi
} > "$OUT"
cat "$OUT"
