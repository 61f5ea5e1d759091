#!/usr/bin/env bash
# Builds the single-file executable build/kube-fresh for linux/amd64 (Node's SEA + postject).
#   bash packaging/build-sea.sh [--code-cache] [OUT]
# The Node binary is the official build from the npm registry (packaging/fetch-node.sh: pinned,
# cached in .cache/node/), never the machine's node: the blob must come from the binary it is
# injected into. --code-cache starts ~2x faster but makes the blob differ on every build, so the
# OCI image (which must be reproducible) is built without it and krew archives with it.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
code_cache=false
if [[ "${1:-}" == --code-cache ]]; then code_cache=true; shift; fi
out="${1:-$repo/build/kube-fresh}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

node_dir="$(bash "$repo/packaging/fetch-node.sh")"
node_bin="$node_dir/bin/node"

mkdir -p "$(dirname "$out")"
node "$repo/packaging/build-bundle.mjs" "$work/kube-fresh.cjs" >/dev/null
cat >"$work/sea-config.json" <<JSON
{ "main": "kube-fresh.cjs", "output": "kube-fresh.blob",
  "disableExperimentalSEAWarning": true, "useCodeCache": $code_cache }
JSON
quiet() { local log; log="$("$@" 2>&1)" || { printf '%s\n' "$log" >&2; return 1; }; }
# Relative paths: the blob records the main script's name, and a temp path would change it.
(cd "$work" && quiet "$node_bin" --experimental-sea-config sea-config.json)
cp "$node_bin" "$work/kube-fresh"
strip "$work/kube-fresh" # before injecting: stripping afterwards breaks the binary
quiet "$repo/node_modules/.bin/postject" "$work/kube-fresh" NODE_SEA_BLOB "$work/kube-fresh.blob" \
  --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2
chmod 0755 "$work/kube-fresh"
mv "$work/kube-fresh" "$out"
cp "$node_dir/LICENSE" "$(dirname "$out")/NODE-LICENSE"
echo "$out"
