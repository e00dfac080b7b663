#!/usr/bin/env bash
# make test-server: the tests that need a real PostgreSQL 15 (issue 15, docs/server.md). A
# throwaway cluster is made for the run by pg_virtualenv -t (postgresql-common; as root or as
# any user, in a temporary directory) and dropped afterwards; the tests get PGHOST, PGPORT,
# PGUSER and PGPASSWORD of its superuser. Extra arguments go to each test binary.
#
# The server crate's test binaries are the ones `cargo test --workspace` built (listed, then
# started directly, one at a time like cargo does): `cargo test -p pladsoverblik-server` would
# unify the dependencies' features for that one package and build much of the tree again.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t tests < <(cargo test --workspace --exclude pladsoverblik-tests --no-run \
    --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if (m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]
            and m["manifest_path"].endswith("src-tauri/server/Cargo.toml")):
        print(m["manifest_path"].rsplit("/", 1)[0], m["executable"])
')
[ ${#tests[@]} -gt 0 ] || { echo "Ingen testprogrammer fundet for pladsoverblik-server" >&2; exit 1; }
SERVER_TESTS=$(printf '%s\n' "${tests[@]}")
export SERVER_TESTS
exec pg_virtualenv -t -v 15 bash -c '
  set -euo pipefail
  PGPORT=$(psql -XtAc "SHOW port" postgres)
  export PGPORT
  status=0
  while read -r dir bin; do
    echo "Kører ${bin##*/}"
    (cd "$dir" && "$bin" --ignored --test-threads=2 "$@") || status=1
  done <<< "$SERVER_TESTS"
  exit $status
' test-server "$@"
