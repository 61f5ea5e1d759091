#!/usr/bin/env bash
# Regenerates test/fixtures/platform-oracle.json: which children of an index containerd's CRI keeps
# and in which order (github.com/containerd/platforms `Only`, as containerd 2.x pins it, plus
# FilterPlatforms/LimitManifests' "no platform: kept, last"), for every case in
# test/fixtures/platform-inputs.json (containerd's TestOnly table and kube-fresh's own cases).
# Needs Go and the Go module proxy; the tests themselves only read the committed JSON.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(mktemp -d)/platform-oracle"
(cd "$root/hack/platform-oracle" && GOFLAGS=-mod=mod go build -o "$bin" .)
node -e 'for (const c of require(process.argv[1])) console.log(JSON.stringify({node: c.node, children: c.children}))' \
  "$root/test/fixtures/platform-inputs.json" \
  | "$bin" \
  | node -e 'const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse); process.stdout.write(JSON.stringify(lines, null, 1) + "\n")' \
  > "$root/test/fixtures/platform-oracle.json"
echo "wrote $(node -e 'console.log(require(process.argv[1]).length)' "$root/test/fixtures/platform-oracle.json") cases"
