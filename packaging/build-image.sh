#!/usr/bin/env bash
# Builds the kube-fresh OCI image without a Docker daemon: the single executable (built without a
# code cache, so it is reproducible), the shared libraries `ldd` names, passwd/group with the
# non-root user 65532, the CA bundle and the licences, packed by umoci into an OCI layout.
#   bash packaging/build-image.sh [OUT_LAYOUT]      (default build/oci; tag = package version)
# Reproducible: every timestamp is SOURCE_DATE_EPOCH (default: the last commit's time), so the
# same commit on the same Debian libraries gives the same manifest digest. Push with skopeo:
#   skopeo copy oci:build/oci:0.1.0 docker://REGISTRY/kube-fresh:0.1.0
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/build/oci}"
version="$(node -p "require('$repo/package.json').version")"
revision="$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)"
# The source label is the clone's origin (or KUBE_FRESH_IMAGE_SOURCE); left out when neither exists.
source_url="${KUBE_FRESH_IMAGE_SOURCE:-$(git -C "$repo" remote get-url origin 2>/dev/null || true)}"
source_label=()
[[ -n "$source_url" ]] && source_label=(--config.label "org.opencontainers.image.source=$source_url")
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || echo 0)}"
created="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

# KUBE_FRESH_SEA: a single executable built already (without --code-cache), e.g. by a test.
if [[ -n "${KUBE_FRESH_SEA:-}" ]]; then
  mkdir -p "$work/sea" && cp "$KUBE_FRESH_SEA" "$work/sea/kube-fresh"
  cp "$(bash "$repo/packaging/fetch-node.sh")/LICENSE" "$work/sea/NODE-LICENSE"
  bin="$work/sea/kube-fresh"
else
  bin="$(bash "$repo/packaging/build-sea.sh" "$work/sea/kube-fresh")"
fi
mkdir -p "$rootfs"/usr/local/bin "$rootfs"/etc/ssl/certs "$rootfs"/tmp "$rootfs"/home/nonroot \
  "$rootfs"/usr/share/doc/kube-fresh
install -m 0755 "$bin" "$rootfs"/usr/local/bin/kube-fresh
# The dynamic loader and the libraries (mawk has no \s: match plain fields).
for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/lib64\// {print $1}'); do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
install -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs"/etc/ssl/certs/
install -m 0644 "$repo/LICENSE" "$rootfs"/usr/share/doc/kube-fresh/LICENSE
install -m 0644 "$work/sea/NODE-LICENSE" "$rootfs"/usr/share/doc/kube-fresh/NODE-LICENSE
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$rootfs"/etc/passwd
printf 'root:x:0:\nnonroot:x:65532:\n' >"$rootfs"/etc/group
printf 'hosts: files dns\n' >"$rootfs"/etc/nsswitch.conf
chmod 1777 "$rootfs"/tmp
chown 65532:65532 "$rootfs"/home/nonroot
find "$rootfs" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --numeric-owner --format=pax \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$rootfs" -cf "$work/layer.tar" .

rm -rf "$out"
umoci init --layout "$out"
umoci new --image "$out:$version"
umoci raw add-layer --image "$out:$version" --history.created "$created" \
  --history.created_by 'kube-fresh packaging/build-image.sh' "$work/layer.tar"
umoci config --image "$out:$version" --no-history --created "$created" --architecture amd64 --os linux \
  --config.user 65532:65532 --config.workingdir /home/nonroot --config.env PATH=/usr/local/bin \
  --config.entrypoint /usr/local/bin/kube-fresh --config.cmd --help \
  --config.label org.opencontainers.image.title=kube-fresh \
  --config.label org.opencontainers.image.version="$version" \
  --config.label org.opencontainers.image.revision="$revision" \
  "${source_label[@]}" \
  --config.label org.opencontainers.image.licenses=Apache-2.0 \
  --config.label org.opencontainers.image.created="$created" \
  --manifest.annotation org.opencontainers.image.created="$created" \
  --manifest.annotation org.opencontainers.image.version="$version" \
  --manifest.annotation org.opencontainers.image.revision="$revision"
umoci gc --layout "$out"
echo "$out:$version"
