#!/usr/bin/env bash
# The hand-rolled baseline for bench/status: what a platform engineer scripts today. List every Pod
# with kubectl, ask the registry for each distinct image with `skopeo inspect` (8 in parallel), and
# count containers whose imageID digest differs from what the tag points to now.
# Usage: kubectl-skopeo.sh KUBECTL   (KUBECONFIG in the environment)
set -euo pipefail
kubectl=${1:-kubectl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$kubectl" get pods -A -o json > "$work/pods.json" 2>/dev/null
jq -r '.items[].spec.containers[].image' "$work/pods.json" | sort -u > "$work/images.txt"
xargs -P 8 -I{} sh -c 'printf "%s %s\n" "{}" "$(skopeo inspect --tls-verify=false --format "{{.Digest}}" "docker://{}")"' < "$work/images.txt" > "$work/digests.txt"
jq -r --rawfile digests "$work/digests.txt" '
  ($digests | split("\n") | map(select(length > 0) | split(" ") | {key: .[0], value: .[1]}) | from_entries) as $now
  | [.items[] | .spec.containers as $specs | .status.containerStatuses[]?
     | . as $s | ($specs[] | select(.name == $s.name) | .image) as $image
     | select(($s.imageID | split("@")[1]) != $now[$image])] | length' "$work/pods.json"
