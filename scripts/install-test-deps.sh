#!/usr/bin/env bash
# Installs what the test suite and benchmarks need on a Debian 12 machine with Node 20:
# Debian packages for the real registry and image tools. Safe to re-run; skips what is present.
# Run as root (CI) or with sudo available.
set -euo pipefail

packages=(docker-registry skopeo umoci apache2-utils jq hyperfine openssl)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if ((${#missing[@]} > 0)); then
  echo "install-test-deps: installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-test-deps: Debian packages present"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [[ $node_major != 20 ]]; then
  echo "install-test-deps: kube-fresh is developed on Node 20 (found $(node -v))" >&2
  exit 1
fi
