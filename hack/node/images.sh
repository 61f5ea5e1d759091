#!/usr/bin/env bash
# Builds the tiny static test images for the real node, without Docker (umoci), and pushes
# them to a plain-HTTP loopback registry (skopeo).
#
#   images.sh build LAYOUT            OCI layout at LAYOUT with refs:
#       pause     /pause: static C binary (hack/node/pause/pause.c, gcc -static), the sandbox image
#       app-v1    busybox-static + /version "v1"   (entrypoint prints the version, sleeps until SIGTERM)
#       app-v2    same base layer, /version "v2"
#       app-v3    same base layer, /version "v3"
#   images.sh push LAYOUT REF DEST    e.g. push LAYOUT app-v2 127.0.0.1:5000/demo/app:v1
#                                     prints the manifest digest the registry now serves for DEST
#
# Builds are deterministic (file mtimes, config and history `created`), so the same inputs
# give the same digests on every run and machine with the same busybox-static and gcc.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
KF_LOG_PREFIX=images

EPOCH_ISO=2026-01-01T00:00:00Z
EPOCH=1767225600

build() {
  local layout="$1"
  command -v umoci >/dev/null || kf_die "umoci missing (hack/node/install-node-deps.sh)"
  [[ -x /bin/busybox ]] || kf_die "/bin/busybox missing (busybox-static, hack/node/install-node-deps.sh)"
  file -b /bin/busybox 2>/dev/null | grep 'statically linked' >/dev/null || kf_log "warning: /bin/busybox is not static"
  rm -rf "$layout"
  local tmp; tmp="$(mktemp -d)"
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" RETURN
  umoci init --layout "$layout"
  local hist=(--history.created "$EPOCH_ISO" --history.created_by "kube-fresh hack/node/images.sh")

  # --- pause ---------------------------------------------------------------------------
  mkdir -p "$tmp/pause"
  if command -v gcc >/dev/null && gcc -Os -Wall -Werror -static -s -o "$tmp/pause/pause" "$KF_NODE_LIB_DIR/pause/pause.c" 2>"$tmp/gcc.log"; then
    local entry=(--config.entrypoint /pause)
  else
    kf_log "gcc -static failed ($(head -c 300 "$tmp/gcc.log" 2>/dev/null)); pause image falls back to busybox sh"
    mkdir -p "$tmp/pause/bin"; cp /bin/busybox "$tmp/pause/bin/busybox"
    ln -s busybox "$tmp/pause/bin/sh"; ln -s busybox "$tmp/pause/bin/sleep"
    local entry=(--config.entrypoint /bin/sh --config.entrypoint -c --config.entrypoint 'trap "exit 0" TERM INT; while :; do sleep 86400 & wait $!; done')
    rm -f "$tmp/pause/pause"
  fi
  find "$tmp/pause" -exec touch -h -d "@$EPOCH" {} +
  umoci new --image "$layout:pause"
  umoci insert "${hist[@]}" --image "$layout:pause" "$tmp/pause" /
  umoci config --no-history --image "$layout:pause" --created "$EPOCH_ISO" --architecture amd64 --os linux \
    "${entry[@]}" --config.label org.opencontainers.image.title=kube-fresh-pause

  # --- app base layer: busybox with a few applet links ---------------------------------------
  mkdir -p "$tmp/base/bin"
  cp /bin/busybox "$tmp/base/bin/busybox"
  local a
  for a in sh sleep cat echo ls date hostname; do ln -s busybox "$tmp/base/bin/$a"; done
  find "$tmp/base" -exec touch -h -d "@$EPOCH" {} +
  umoci new --image "$layout:app-base"
  umoci insert "${hist[@]}" --image "$layout:app-base" "$tmp/base" /

  local v
  for v in v1 v2 v3; do
    mkdir -p "$tmp/$v"
    echo "$v" >"$tmp/$v/version"
    find "$tmp/$v" -exec touch -h -d "@$EPOCH" {} +
    umoci insert "${hist[@]}" --image "$layout:app-base" --tag "app-$v" "$tmp/$v/version" /version
    umoci config --no-history --image "$layout:app-$v" --created "$EPOCH_ISO" --architecture amd64 --os linux \
      --config.env APP_VERSION="$v" \
      --config.label org.opencontainers.image.title=kube-fresh-test-app \
      --config.label org.opencontainers.image.version="$v" \
      --config.entrypoint /bin/sh --config.entrypoint -c \
      --config.entrypoint 'trap "exit 0" TERM INT; echo "kube-fresh test app $(cat /version) started"; while :; do sleep 86400 & wait $!; done'
  done
  umoci rm --image "$layout:app-base"
  umoci gc --layout "$layout"
  kf_log "built $layout: $(jq -r '[.manifests[] | .annotations["org.opencontainers.image.ref.name"] + "=" + .digest[7:19]] | join(" ")' "$layout/index.json")"
}

push() {
  local layout="$1" ref="$2" dest="$3"
  skopeo copy -q --dest-tls-verify=false "oci:$layout:$ref" "docker://$dest" >&2
  skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$dest"
}

case "${1:-}" in
  build) shift; build "$@" ;;
  push) shift; push "$@" ;;
  *) echo "usage: $0 build LAYOUT | push LAYOUT REF DEST" >&2; exit 2 ;;
esac
