#!/usr/bin/env bash
# Builds the Go program in a folder of this repo once and prints the path of the binary (stdout
# only; progress and Go's own "downloading" lines go to stderr). The binary is cached by the hash
# of the folder's go.mod, go.sum and *.go files, so a test never compiles or downloads anything and
# its output never depends on how warm Go's caches are.  Usage: scripts/go-tool.sh test/support/ferretdb
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/${1:?usage: go-tool.sh <folder with a Go main>}"

if ! command -v go >/dev/null 2>&1; then
  echo "go-tool: no Go toolchain to build $1" >&2
  exit 1
fi

cache="${XDG_CACHE_HOME:-$HOME/.cache}/customer-accounts"
key=$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -c1-16)
bin="$cache/$(basename "$src")-$key"
if [ ! -x "$bin" ]; then
  echo "go-tool: building $1 (first time only)..." >&2
  mkdir -p "$cache"
  # A partial file never passes for a finished build, even if two builds race.
  (cd "$src" && go build -o "$bin.partial.$$" . >&2 && mv "$bin.partial.$$" "$bin")
fi
echo "$bin"
