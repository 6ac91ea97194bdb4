#!/usr/bin/env bash
# Runs a command with FerretDB 1.24 (MongoDB wire protocol, SQLite backend) on a free loopback
# port and MONGODB_URI pointing at it, e.g.  scripts/with-ferretdb.sh npm test
# FerretDB is built from the Go module proxy once and cached by the hash of its pinned sources.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v go >/dev/null 2>&1; then
  echo "with-ferretdb: no Go toolchain, so no FerretDB; install Go or set MONGODB_URI to a MongoDB" >&2
  exit 1
fi
bin=$("$root/scripts/go-tool.sh" test/support/ferretdb)

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
data=$(mktemp -d)
"$bin" --listen "127.0.0.1:$port" --data "$data/db" >"$data/ferretdb.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$data/ferretdb.log" >&2; exit 1; fi
  sleep 0.1
done
echo "with-ferretdb: FerretDB on 127.0.0.1:$port" >&2

# FERRETDB_DATA_DIR lets a test search the raw bytes FerretDB wrote (the personal-data erase test).
MONGODB_URI="mongodb://127.0.0.1:$port/" FERRETDB_DATA_DIR="$data/db" "$@"
