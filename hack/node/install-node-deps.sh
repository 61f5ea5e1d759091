#!/usr/bin/env bash
# Installs the Debian packages a real kube-fresh test node needs (idempotent).
#   containerd, runc                 container runtime (CRI plugin built in)
#   containernetworking-plugins      bridge/ptp/host-local/loopback CNI plugins in /usr/lib/cni
#   busybox-static                   the static workload binary baked into the test images
#   docker-registry skopeo umoci     the loopback registry and the image tooling
#   iproute2 iptables jq openssl curl  helpers used by the node scripts
# Only packages that are missing are installed; `apt-get update` runs only then.
# Prints the installed versions to stderr. Needs root.
set -euo pipefail

pkgs=(containerd runc containernetworking-plugins busybox-static docker-registry skopeo umoci
      iproute2 iptables jq openssl curl util-linux procps)

log() { printf '[install-node-deps] %s\n' "$*" >&2; }

missing=()
for p in "${pkgs[@]}"; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" != installed ]]; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  [[ $(id -u) -eq 0 ]] || { log "ERROR: need root to install: ${missing[*]}"; exit 1; }
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  t0=$(date +%s.%N)
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  log "installed in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
else
  log "all present"
fi

for p in containerd runc containernetworking-plugins busybox-static docker-registry skopeo umoci; do
  log "$(dpkg-query -W -f='${Package} ${Version}' "$p")"
done
