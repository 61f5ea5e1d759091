#!/usr/bin/env bash
# Stops a cluster started by cluster-up.sh and cleans the host.
#
#   cluster-down.sh WORK_DIR
#
# Order: cordon all nodes -> stop-node.sh for each node (drain, kubelet, tasks, containerd,
# shims, cgroups, mounts, bridge, lo address) -> kube-scheduler, kube-controller-manager,
# kube-apiserver, etcd, registry (by PID file) -> restore the kernel tunables the kubelet
# changed -> delete WORK_DIR (KF_KEEP=1 keeps it: logs, configs, certs).
# Exit 0 when the host is clean, 1 otherwise (reasons on stderr).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
KF_LOG_PREFIX=cluster-down

W="${1:?usage: cluster-down.sh WORK_DIR}"
[[ -d "$W" ]] || { kf_log "no work dir $W"; exit 0; }
W="$(cd "$W" && pwd)"
[[ -f "$W/sysctl.saved" || -f "$W/cluster.env" || -d "$W/nodes" ]] || kf_die "$W does not look like a cluster-up.sh work dir"
t0=$(kf_now)
rc=0
kubeconfig=""
[[ -f "$W/admin.kubeconfig" && -f "$W/kube-apiserver.pid" ]] && kubeconfig="$W/admin.kubeconfig"

if [[ -n "$kubeconfig" && -f "$W/cluster.env" ]]; then
  KF_API_SERVER="$(awk -F= '$1=="KF_API_SERVER"{print $2}' "$W/cluster.env")"; KF_PKI="$W/pki"
  # no node may take the pods of another one that is being stopped
  for n in $(kf_api GET /api/v1/nodes 2>/dev/null | jq -r '.items[].metadata.name' 2>/dev/null); do
    kf_cordon "$n" 2>/dev/null || true
  done
fi
for nd in "$W"/nodes/n*; do
  [[ -d "$nd" ]] || continue
  "$KF_NODE_LIB_DIR/stop-node.sh" "$nd" "$kubeconfig" || rc=1
done
for c in kube-scheduler kube-controller-manager kube-apiserver etcd registry; do
  kf_stop_pidfile "$W/$c.pid" 20
done
kf_sysctl_release "$W" || { kf_log "NOT CLEAN: kernel tunables not restored"; rc=1; }
left="$(kf_pids_with_arg "$W/" | tr '\n' ' ')"
if [[ -n "${left// /}" ]]; then
  kf_log "NOT CLEAN: processes still referencing $W: $left"; rc=1
fi
if awk -v d="$W" 'index($5, d)==1 {found=1} END {exit !found}' /proc/self/mountinfo; then
  kf_log "NOT CLEAN: mounts left under $W"; rc=1
fi
if [[ "${KF_KEEP:-0}" == 1 || $rc -ne 0 ]]; then
  kf_log "kept $W"
else
  rm -rf "$W"
fi
kf_log "done in $(kf_since "$t0")s ($([[ $rc -eq 0 ]] && echo clean || echo 'NOT clean'))"
exit "$rc"
