#!/usr/bin/env bash
# Installs what the test suite and benchmarks need on a Debian 12 machine with Node 20:
# Debian packages for the real registry and image tools, the real-node packages (containerd,
# runc, CNI plugins: hack/node/install-node-deps.sh), and the test control plane (etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler, kubelet) built once from their Go
# modules with the machine's Go (~5 min cold on 2 cores, cached under .cache/ afterwards).
# Safe to re-run; skips what is present. Run as root (CI) or with sudo available.
set -euo pipefail

# `time` (GNU /usr/bin/time) measures the control-plane build's peak memory; zsh and fish check the
# completion scripts; prometheus (promtool) checks the chart's alert rules; binutils' strip and runc (hack/node) build and run the single executable/image;
# chromium: the dashboard's browser tests (playwright-core drives it; it never downloads one).
packages=(docker-registry skopeo umoci apache2-utils jq hyperfine openssl time zsh fish binutils prometheus chromium)

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

# Real test nodes (test/e2e, `kube-fresh lab --real-nodes`): containerd, runc, the CNI plugins,
# busybox-static and the image tools, through hack/node/install-node-deps.sh (idempotent; it runs
# apt-get only for what is missing). hack/node/preflight.sh then says whether nodes can run here.
node_deps="$(dirname "$0")/../hack/node/install-node-deps.sh"
if [[ $(id -u) -eq 0 ]]; then bash "$node_deps"; else sudo bash "$node_deps"; fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [[ $node_major != 20 ]]; then
  echo "install-test-deps: kube-fresh is developed on Node 20 (found $(node -v))" >&2
  exit 1
fi

# The test control plane (test/support/control-plane.ts). hack/build-control-plane.sh reuses
# .cache/control-plane/<version>/bin when its stamp matches and otherwise builds with
# GOTOOLCHAIN=local, so it never downloads a Go toolchain.
if ! command -v go >/dev/null; then
  echo "install-test-deps: Go is needed to build the test control plane (go.dev/dl, >= 1.25)" >&2
  exit 1
fi
started=$(date +%s)
bin_dir=$(bash "$(dirname "$0")/../hack/build-control-plane.sh" | tail -n1)
echo "install-test-deps: control plane in ${bin_dir} ($(($(date +%s) - started)) s)"

# Go tools the tests use (kubectl, krew, helm), built from their Go modules and cached
# under .cache/tools/ like the control plane (hack/build-go-tools.sh).
started=$(date +%s)
tools_dir=$(bash "$(dirname "$0")/../hack/build-go-tools.sh" | tail -n1)
echo "install-test-deps: Go tools in ${tools_dir} ($(($(date +%s) - started)) s)"

# The official Node binary the single executable and the image are built from (npm registry).
echo "install-test-deps: Node for the single executable in $(bash "$(dirname "$0")/../packaging/fetch-node.sh")"
