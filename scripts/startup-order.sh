#!/usr/bin/env bash
# make startup-order: which functions of the release app run from launch until the first
# results are on screen and the search index is built (100.000 generated offers, under Xvfb,
# counted by valgrind's callgrind), written to src-tauri/startup-order.txt. src-tauri/build.rs
# hands that file to the linker, which lays those functions out together at the start of the
# code (docs/benchmarks-changes.md, round 11). Regenerate after a dependency or the start
# changed: `make bench` says how many of the names the binary still has.
# Usage: scripts/startup-order.sh RELEASE_DIR OUT   (RELEASE_DIR with plads and pladsoverblik)
set -euo pipefail
REL=${1:?release dir}
OUT=${2:?output file}
OFFERS=${OFFERS:-100000}
WORK=$(mktemp -d)
trap 'kill ${XVFB:-} 2>/dev/null || true; pkill -f "callgrind.*$WORK" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# shellcheck source=scripts/desktop-data.sh
source "$(dirname "$0")/desktop-data.sh"

# A copy of the data with the municipality's server set up, one that refuses the connection
# (as `make bench`'s row for it): its start also runs the server client's set-up and first
# sync attempt (3 s after the start).
cp -a "$WORK/data" "$WORK/data-server"
for kv in "server_port 1" "server_database pladsoverblik" "server_user karen" "server_host 127.0.0.1"; do
  # shellcheck disable=SC2086 # key and value
  "$REL/plads" settings set $kv --db "$WORK/data-server/pladsoverblik.sqlite" >/dev/null
done

# Three starts: the first builds the search index and leaves its file, the second (the usual
# start) searches with the file and rebuilds the index after the first results, the third is
# the second with the server set up. The functions of all three are kept: the first two's
# first, then those only the third ran, so a start without a server finds its functions
# together as before.
for run in 1 2 3; do
  data="$WORK/data"; [ "$run" = 3 ] && data="$WORK/data-server"
  ready="$WORK/ready"; rm -f "$ready"
  PLADSOVERBLIK_DATA_DIR="$data" PLADSOVERBLIK_READY_FILE="$ready" \
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$WORK/callgrind.$run" \
    "$REL/pladsoverblik" >"$WORK/valgrind.$run.log" 2>&1 & pid=$!
  for _ in $(seq 1200); do [ -s "$ready" ] && break; sleep 0.25; done
  if [ ! -s "$ready" ]; then echo "ingen første resultater under callgrind (se $WORK/valgrind.$run.log)" >&2; exit 1; fi
  # Under callgrind the index build after the first results takes some 30 s instead of 0,5.
  sleep "${SETTLE:-60}"
  callgrind_control -d "$pid" >/dev/null
  sleep 5
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done

python3 - "$OUT" "$(basename "$REL/pladsoverblik")" "$WORK"/callgrind.* <<'PY'
import re, sys
out, binary, files = sys.argv[1], sys.argv[2], sys.argv[3:]
seen, server_only = {}, {}
for path in sorted(files):
    # callgrind names each object and function once as "(id) name", then by "(id)".
    objects, names, current = {}, {}, None
    for line in open(path, errors="replace"):
        m = re.match(r"^(c?ob|c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if not m:
            continue
        kind, ident, name = m.groups()
        if kind.endswith("ob"):
            if name:
                objects[ident] = name
            if kind == "ob":
                current = objects.get(ident, "")
            continue
        if name:
            names[ident] = re.sub(r"'\d+$", "", name)  # recursion depth suffix
        symbol = names.get(ident, "")
        if kind == "fn" and current.endswith("/" + binary) and re.match(r"^[A-Za-z_$.][\w$.]*$", symbol):
            if re.search(r"/callgrind\.3(\.|$)", path):
                if symbol not in seen:
                    server_only.setdefault(symbol, len(server_only))
            else:
                seen.setdefault(symbol, len(seen))
with open(out, "w") as f:
    f.write("# The release app's start-up functions, laid out first by the linker (src-tauri/build.rs).\n")
    f.write("# Written by `make startup-order` (scripts/startup-order.sh); do not edit by hand.\n")
    # Sorted: the linker keeps them together in any order, and a new run then differs from
    # the last one only where the build's names did.
    f.writelines(s + "\n" for s in sorted(seen))
    f.write("# Only in a start with the municipality's server set up:\n")
    f.writelines(s + "\n" for s in sorted(server_only) if s not in seen)
extra = len([s for s in server_only if s not in seen])
print(f"{len(seen)} + {extra} funktioner skrevet til {out}", file=sys.stderr)
PY
