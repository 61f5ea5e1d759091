#!/usr/bin/env bash
# Regenerates test/fixtures/reference-oracle.json: how github.com/distribution/reference v0.6.0
# (the parser Kubernetes and containerd use) reads every input in test/fixtures/reference-inputs.json.
# Needs Go and the Go module proxy; the tests themselves only read the committed JSON.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(mktemp -d)/reference-oracle"
(cd "$root/hack/reference-oracle" && GOFLAGS=-mod=mod go build -o "$bin" .)
node -e 'for (const s of require(process.argv[1])) console.log(JSON.stringify(s))' \
  "$root/test/fixtures/reference-inputs.json" \
  | "$bin" \
  | node -e 'const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse); process.stdout.write(JSON.stringify(lines, null, 1) + "\n")' \
  > "$root/test/fixtures/reference-oracle.json"
echo "wrote $(node -e 'console.log(require(process.argv[1]).length)' "$root/test/fixtures/reference-oracle.json") cases"
