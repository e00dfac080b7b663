#!/usr/bin/env bash
# make test-server: the tests that need a real PostgreSQL 15 (issue 15, docs/server.md). A
# throwaway cluster is made for the run by pg_virtualenv -t (postgresql-common; as root or as
# any user, in a temporary directory) and dropped afterwards; the tests get PGHOST, PGPORT,
# PGUSER and PGPASSWORD of its superuser. Extra arguments go to cargo test's test binary.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -p pladsoverblik-server --no-run
exec pg_virtualenv -t -v 15 bash -c '
  set -euo pipefail
  PGPORT=$(psql -XtAc "SHOW port" postgres)
  export PGPORT
  cargo test -p pladsoverblik-server -- --ignored --test-threads=2 "$@"
' test-server "$@"
