#!/usr/bin/env bash
# Builds the krew plugin `fresh`: an archive with the single executable (with a code cache: it
# starts ~2x faster, and krew checks the archive's sha256, not reproducibility) and the licences,
# plus its manifest fresh.yaml. Install locally with:
#   kubectl krew install --manifest=build/krew/fresh.yaml --archive=build/krew/kube-fresh-linux-amd64.tar.gz
# KUBE_FRESH_RELEASE_URL sets the archive's download URI in the manifest (a release asset); without
# it the URI is the archive's file:// path, which is what a local --archive install needs.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/build/krew}"
version="$(node -p "require('$repo/package.json').version")"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || echo 0)}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

mkdir -p "$out" "$work/pkg"
bash "$repo/packaging/build-sea.sh" --code-cache "$work/sea/kube-fresh" >/dev/null
cp "$work/sea/kube-fresh" "$work/sea/NODE-LICENSE" "$repo/LICENSE" "$work/pkg/"
archive="$out/kube-fresh-linux-amd64.tar.gz"
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner -C "$work/pkg" -cf - . |
  gzip -n -6 >"$archive"
sha="$(sha256sum "$archive" | cut -d' ' -f1)"
uri="${KUBE_FRESH_RELEASE_URL:-file://$archive}"
cat >"$out/fresh.yaml" <<YAML
apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: fresh
spec:
  version: v$version
  shortDescription: Find, explain and fix Pods running an old image behind a moved tag
  description: |
    kube-fresh tells which replicas run old bits because a mutable tag (:latest, :1.4) moved
    while nodes kept the old image under imagePullPolicy IfNotPresent, explains why for each
    Pod, and fixes it: pins the tag to the digest it points to now, restarts, or lints and pins
    manifests before they ship. Read-only unless you run "kubectl fresh fix".
  caveats: |
    Run "kubectl fresh status -A" to see which workloads run old images.
  platforms:
    - selector:
        matchLabels:
          os: linux
          arch: amd64
      uri: $uri
      sha256: $sha
      bin: kube-fresh
      files:
        - from: kube-fresh
          to: .
        - from: LICENSE
          to: .
        - from: NODE-LICENSE
          to: .
YAML
echo "$out/fresh.yaml"
