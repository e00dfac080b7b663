#!/usr/bin/env bash
# make test-any-date: the test suite must not depend on the wall clock. Runs every test
# binary (already built by make test) with the system clock moved to dates after the example
# catalogue's years and across the regional reform, under libfaketime. Cargo itself does not
# run under faketime, so the binaries are listed first and then started directly.
# The tests without a window run at every date; the window's flows (each a WebDriver session,
# minutes under libfaketime) at the first date only, unless ANY_DATE_WINDOW=all: the window
# shows what the core computes, and CI's 90 minutes do not fit the window twice over.
# Usage: scripts/any-date.sh [DATE ...]   (default: 2027-02-15 and 2029-06-01)
set -euo pipefail
cd "$(dirname "$0")/.."
dates=("$@")
[ ${#dates[@]} -gt 0 ] || dates=("2027-02-15 10:00:00" "2029-06-01 10:00:00")
list() {
  cargo test --no-run --message-format=json "$@" 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        print(m["manifest_path"].rsplit("/", 1)[0], m["executable"])
'
}
mapfile -t core < <(list --workspace --exclude pladsoverblik-tests)
mapfile -t e2e < <(list -p pladsoverblik-tests)
status=0
run() { # DATE DIR BINARY [ARGS]
  local when=$1 dir=$2 bin=$3; shift 3
  # A test binary that hangs under libfaketime fails here after 10 minutes (real time) and
  # is named, instead of running into CI's limit.
  if ! out=$(cd "$dir" && timeout --kill-after=10 600 faketime "$when" "$bin" "$@" 2>&1); then
    echo "FEJL med uret på $when: $bin"; echo "$out" | grep -E -A2 "panicked|FAILED|error" | head -30
    status=1
  fi
}
for when in "${dates[@]}"; do
  if [ "$when" = "${dates[0]}" ] || [ "${ANY_DATE_WINDOW:-}" = all ]; then window=("${e2e[@]}"); else window=(); fi
  echo "Uret sat til $when: ${#core[@]} testprogrammer uden vindue, ${#window[@]} med vindue"
  for entry in "${core[@]}"; do run "$when" ${entry}; done
  for entry in "${window[@]}"; do
    run "$when" ${entry} --include-ignored --test-threads=1
  done
done
exit $status
