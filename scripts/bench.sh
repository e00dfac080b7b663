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
trap 'kill ${XVFB:-} ${SILENT:-} 2>/dev/null || true; rm -rf "$WORK"' EXIT

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
core_md=$("$REL/plads-bench" --offers "$OFFERS" --iterations 200)

# Sync with the municipality's server (issue 15): plads-sync-bench against a throwaway
# PostgreSQL 15 cluster in a temporary directory (pg_virtualenv -t, as make test-server; as
# root or not), dropped afterwards. Its table goes to a file; pg_virtualenv's messages and
# the runs' progress to standard error.
pg_virtualenv -t -v 15 bash -c '
  set -euo pipefail
  PGPORT=$(psql -XtAc "SHOW port" postgres)
  export PGPORT
  exec "$1" > "$2"
' sync-bench "$REL/plads-sync-bench" "$WORK/sync.md" >&2
sync_md=$(cat "$WORK/sync.md")

# shellcheck source=scripts/desktop-data.sh
source "$(dirname "$0")/desktop-data.sh"

descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
pss_mb() {
  local total=0 p kb
  for p in "$1" $(descendants "$1"); do
    kb=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${kb:-0}))
  done
  echo $((total / 1024))
}

# run BINARY [DATA_DIR] [fresh] -> "ms pss_mb ms_min ms_max pss_min pss_max" (median of RUNS
# launches, spread). The app keeps its search index in a file beside the database from one
# start to the next (core::search::cache); "fresh" removes it before every launch (the very
# first start, or one after a catalogue imported with plads).
measure() {
  local bin=$1 data=${2:-$WORK/data} fresh=${3:-} times=() pss=() i ready start pid now
  for i in $(seq "$RUNS"); do
    [ -z "$fresh" ] || rm -f "$data/pladsoverblik.sqlite-søgeindeks"
    ready="$WORK/ready"; rm -f "$ready"
    start=$(date +%s%N)
    PLADSOVERBLIK_DATA_DIR="$data" PLADSOVERBLIK_READY_FILE="$ready" "$bin" >/dev/null 2>&1 & pid=$!
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

read -r fresh_ms fresh_pss fresh_ms_lo fresh_ms_hi fresh_pss_lo fresh_pss_hi < <(measure "$REL/pladsoverblik" "$WORK/data" fresh)
# The last of those left the index file: every start after the first finds it.
read -r app_ms app_pss app_ms_lo app_ms_hi app_pss_lo app_pss_hi < <(measure "$REL/pladsoverblik")
read -r floor_ms floor_pss floor_ms_lo floor_ms_hi floor_pss_lo floor_pss_hi < <(measure "$REL/examples/empty_window")

# The same data with a server set up that cannot be reached (issue 15: start-up must not wait
# for it): one that refuses the connection at once (127.0.0.1, port 1, where nothing listens)
# and one that takes the connection and never answers (a listener that never accepts: the
# 1 s connect timeout; an unrouted address such as 10.255.255.1 behaves so on a real network,
# but a sandbox's proxy may answer it at once). A copy of the data directory each, set up as
# `plads settings set` does.
with_server() { # with_server DIR HOST PORT
  cp -a "$WORK/data" "$WORK/$1"
  local kv
  for kv in "server_port $3" "server_database pladsoverblik" "server_user karen" "server_host $2"; do
    # shellcheck disable=SC2086 # key and value
    "$REL/plads" settings set $kv --db "$WORK/$1/pladsoverblik.sqlite" >/dev/null
  done
}
if (exec 3<>/dev/tcp/127.0.0.1/1) 2>/dev/null; then echo "127.0.0.1:1 svarer; vælg en anden port" >&2; exit 1; fi
with_server data-refused 127.0.0.1 1
python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True); time.sleep(3600)' > "$WORK/silent-port" & SILENT=$!
for _ in $(seq 100); do [ -s "$WORK/silent-port" ] && break; sleep 0.05; done
SILENT_PORT=$(cat "$WORK/silent-port")
with_server data-silent 127.0.0.1 "$SILENT_PORT"
read -r refused_ms refused_pss refused_ms_lo refused_ms_hi refused_pss_lo refused_pss_hi < <(measure "$REL/pladsoverblik" "$WORK/data-refused")
read -r silent_ms silent_pss silent_ms_lo silent_ms_hi silent_pss_lo silent_pss_hi < <(measure "$REL/pladsoverblik" "$WORK/data-silent")

# How many of the start-up functions the linker was asked to lay out first (src-tauri/build.rs)
# the binary still has: after a dependency or the start changed, `make startup-order`.
ORDER=src-tauri/startup-order.txt
order_total=$(grep -vc '^#' "$ORDER" || true)
order_found=$(comm -12 <(grep -v '^#' "$ORDER" | sort -u) \
  <(nm --defined-only "$REL/pladsoverblik" | awk '{print $3}' | sort -u) | wc -l)

{
  echo "# Benchmarks"
  echo
  echo "Measured by \`make bench\` on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date +%d.%m.%Y)."
  echo "Release build (\`--features custom-protocol\`). Each figure is the median of $RUNS runs with the spread"
  echo "(lowest–highest) beside it, so a figure at the edge shows as such. Load average at the start: $LOAD."
  echo "Targets (issue 16): import of $OFFERS offers (next month's catalogue over this month's, the monthly import)"
  echo "≤ 2,5 s including the automatic backup before it, peak RSS"
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
  echo "| start uden søgeindeksfil: første resultater | $fresh_ms ms ($fresh_ms_lo–$fresh_ms_hi) | | $((fresh_ms - floor_ms)) ms |"
  echo "| start uden søgeindeksfil: hukommelse | $fresh_pss MB ($fresh_pss_lo–$fresh_pss_hi) | | $((fresh_pss - floor_pss)) MB |"
  echo
  echo "Programfilens opstartsfunktioner ligger samlet forrest (\`$ORDER\`, \`make startup-order\`):"
  echo "$order_found af $order_total findes i denne build."
  echo
  echo "Hver start efter den første søger straks med søgeindekset fra sidste start (en fil ved siden af"
  echo "databasen) og bygger det fra databasen, når de første resultater er vist; de to første rækker er"
  echo "sådan en start. Uden filen (den allerførste start, eller et katalog indlæst med \`plads\` siden"
  echo "sidst) bygges indekset først."
  echo
  echo "Start med kommunens server sat op, men den kan ikke nås (issue 15: starten må ikke vente på den;"
  echo "baggrundssynkroniseringen begynder 3 s efter opstarten). Samme data, forskel til start uden server:"
  echo
  echo "| start med server, der ikke kan nås | start til første resultater | forskel til uden server | hukommelse (PSS) |"
  echo "|---|---|---|---|"
  echo "| afviser forbindelsen (127.0.0.1:1) | $refused_ms ms ($refused_ms_lo–$refused_ms_hi) | $((refused_ms - app_ms)) ms | $refused_pss MB ($refused_pss_lo–$refused_pss_hi) |"
  echo "| svarer ikke (127.0.0.1, en port der tager imod og tier: 1 s-grænsen) | $silent_ms ms ($silent_ms_lo–$silent_ms_hi) | $((silent_ms - app_ms)) ms | $silent_pss MB ($silent_pss_lo–$silent_pss_hi) |"
  echo
  echo "$sync_md"
  if [ -f docs/benchmarks-changes.md ]; then
    echo
    cat docs/benchmarks-changes.md
  fi
} > "$OUT"
cat "$OUT"
