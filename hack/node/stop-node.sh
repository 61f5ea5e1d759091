#!/usr/bin/env bash
# Stops one node started by start-node.sh and undoes everything it did to the host.
#
#   stop-node.sh NODE_DIR [KUBECONFIG]
#
# With KUBECONFIG (cluster-down.sh passes it while the API server runs) the drain goes through
# the API, with curl and the admin certificate of the cluster NODE_DIR belongs to (kf_api).
#
# Order (control-plane-recipe.md §4.9):
#   1. with KUBECONFIG and a reachable apiserver: cordon the node, delete its pods
#      (grace 2 s) and wait up to 45 s for the kubelet to stop their sandboxes
#      (StopPodSandbox: CNI DEL, netns removed, shims exit)
#   2. stop the kubelet (SIGTERM)
#   3. SIGKILL + delete any containerd task still left (namespace k8s.io)
#   4. stop containerd, then SIGKILL shims still attached to this node's socket
#   5. kill processes still in the node's cgroup tree, unmount everything under NODE_DIR
#      (rootfs overlays, kubelet tmpfs volumes, the kubelet's rshared root-dir bind mount, netns)
#   6. delete the CNI bridge, libcni's cached results, the cgroups and the node IP on lo
# Exit status 0 when everything was undone; 1 (with the reasons on stderr) when something stays.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

nd="${1:?usage: stop-node.sh NODE_DIR [KUBECONFIG]}"
kubeconfig="${2:-}"
[[ -d "$nd" ]] || { echo "no node dir $nd" >&2; exit 0; }
nd="$(cd "$nd" && pwd)"
KF_LOG_PREFIX="stop-$(basename "$nd")"
name=""; sock=""
if [[ -f "$nd/node.env" ]]; then
  # shellcheck disable=SC1091
  source "$nd/node.env"; name="$KF_NODE_NAME"; sock="$KF_NODE_CONTAINERD_SOCK"
fi
[[ -n "$sock" ]] || sock="$nd/containerd/state/containerd.sock"
problems=()
t0=$(kf_now)

# 1. drain through the API while the kubelet still runs
cluster_env="$(dirname "$(dirname "$nd")")/cluster.env"
if [[ -n "$kubeconfig" && -n "$name" && -f "$nd/kubelet.pid" && -f "$cluster_env" ]]; then
  KF_API_SERVER="$(awk -F= '$1=="KF_API_SERVER"{print $2}' "$cluster_env")"
  KF_PKI="$(awk -F= '$1=="KF_PKI"{print $2}' "$cluster_env")"
  node_pods() { kf_api GET "/api/v1/pods?fieldSelector=spec.nodeName%3D$name" | jq -r '.items[] | "\(.metadata.namespace)/\(.metadata.name)"'; }
  if kf_api GET "/api/v1/nodes/$name" >/dev/null 2>&1; then
    kf_cordon "$name" 2>/dev/null || true
    while IFS=/ read -r ns pod; do
      [[ -n "$pod" ]] && kf_api DELETE "/api/v1/namespaces/$ns/pods/$pod?gracePeriodSeconds=2" >/dev/null 2>&1 || true
    done < <(node_pods 2>/dev/null || true)
    running_tasks() { ctr -a "$sock" -n k8s.io tasks ls -q 2>/dev/null | grep -c . || true; }
    deadline=$(( $(date +%s) + 45 ))
    while (( $(date +%s) < deadline )); do
      n_pods="$( { node_pods 2>/dev/null || echo unknown; } | grep -c . || true)"
      n_tasks="$(running_tasks)"
      (( n_pods == 0 && n_tasks == 0 )) && break
      sleep 0.5
    done
    kf_log "drained: pods on node=$n_pods, containerd tasks=$n_tasks after $(kf_since "$t0")s"
  fi
fi

# 2. kubelet
kf_stop_pidfile "$nd/kubelet.pid" 20

# 3. whatever tasks are left
if [[ -S "$sock" ]] && ctr -a "$sock" version >/dev/null 2>&1; then
  mapfile -t left < <(ctr -a "$sock" -n k8s.io tasks ls -q 2>/dev/null || true)
  if (( ${#left[@]} )); then
    kf_log "killing ${#left[@]} containerd task(s) left after the drain"
    for id in "${left[@]}"; do timeout 10 ctr -a "$sock" -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    sleep 0.5
    for id in "${left[@]}"; do timeout 10 ctr -a "$sock" -n k8s.io tasks delete -f "$id" >/dev/null 2>&1 || true; done
  fi
fi

# 4. containerd, then its shims (they outlive containerd by design)
kf_stop_pidfile "$nd/containerd.pid" 15
mapfile -t shims < <(kf_pids_with_arg "-address $sock")
if (( ${#shims[@]} )); then
  kf_log "SIGKILL ${#shims[@]} leftover shim(s): ${shims[*]}"
  kill -KILL "${shims[@]}" 2>/dev/null || true
  sleep 0.3
fi

# 5. processes in the node's cgroups (container processes of killed shims), then mounts
cg=""; [[ -f "$nd/cgroup-root" ]] && cg="$(cat "$nd/cgroup-root")"
if [[ -n "$cg" ]]; then
  if [[ "$(kf_cgroup_mode)" == v1 ]]; then cg_pids_dir="/sys/fs/cgroup/pids/$cg"; else cg_pids_dir="/sys/fs/cgroup/$cg"; fi
  if [[ -d "$cg_pids_dir" ]]; then
    mapfile -t stray < <(find "$cg_pids_dir" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
    if (( ${#stray[@]} )); then
      kf_log "SIGKILL ${#stray[@]} process(es) still in cgroup $cg"
      kill -KILL "${stray[@]}" 2>/dev/null || true
      sleep 0.3
    fi
  fi
fi
kf_unmount_under "$nd" || problems+=("mounts left under $nd: $(awk -v d="$nd" 'index($5,d)==1{print $5}' /proc/self/mountinfo | tr '\n' ' ')")

# 6. network, cgroups, node IP
if [[ -f "$nd/cni-bridge" ]]; then
  br="$(cat "$nd/cni-bridge")"
  if ip link show "$br" >/dev/null 2>&1; then ip link del "$br" 2>/dev/null || problems+=("bridge $br left"); fi
  # veths whose peer netns died go away with it; any still enslaved to the bridge went with it
fi
if [[ -f "$nd/cni-network" ]]; then
  net="$(cat "$nd/cni-network")"
  rm -f /var/lib/cni/results/"$net"-* 2>/dev/null || true
fi
if [[ -n "$cg" ]]; then kf_cgroup_remove "$cg" || problems+=("cgroup /$cg left"); fi
if [[ -f "$nd/lo-addr" ]]; then
  a="$(cat "$nd/lo-addr")"
  if [[ "$(ip -o addr show dev lo)" == *" inet $a "* ]]; then ip addr del "$a" dev lo || true; fi
  [[ "$(ip -o addr show dev lo)" != *" inet $a "* ]] || problems+=("lo address $a left")
fi

# verification: no process still references this node dir
mapfile -t refs < <(kf_pids_with_arg "$nd/")
(( ${#refs[@]} == 0 )) || problems+=("processes still referencing $nd: ${refs[*]}")

if (( ${#problems[@]} )); then
  for p in "${problems[@]}"; do kf_log "NOT CLEAN: $p"; done
  exit 1
fi
kf_log "stopped and cleaned in $(kf_since "$t0")s"
