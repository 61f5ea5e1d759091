#!/usr/bin/env bash
# Restarts the kubelet of one node started by start-node.sh (same command line), the way a
# node upgrade or a crash would. Running containers are not touched; the new kubelet adopts
# them and re-reads every container's status from containerd.
#
#   restart-kubelet.sh NODE_DIR
#
# The previous log is kept as NODE_DIR/kubelet.log.N. Exits when the new kubelet's /healthz is ok.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nd="${1:?usage: restart-kubelet.sh NODE_DIR}"
nd="$(cd "$nd" && pwd)"
KF_LOG_PREFIX="restart-kubelet-$(basename "$nd")"
[[ -f "$nd/kubelet.argv" && -f "$nd/node.env" ]] || kf_die "$nd is not a running node dir"
# shellcheck disable=SC1091
source "$nd/node.env"
t=$(kf_now)
kf_stop_pidfile "$nd/kubelet.pid" 20
n=1; while [[ -e "$nd/kubelet.log.$n" ]]; do n=$((n + 1)); done
mv "$nd/kubelet.log" "$nd/kubelet.log.$n"
mapfile -d '' argv <"$nd/kubelet.argv"
pid="$(kf_daemon kubelet "$nd" "${argv[@]}")"
KF_WAIT_ALIVE_PID="$pid" kf_wait_until 60 "kubelet healthz" curl -fsS --max-time 2 "http://127.0.0.1:$KF_NODE_KUBELET_HEALTHZ_PORT/healthz" \
  || kf_die "kubelet did not come back (see $nd/kubelet.log)"
kf_log "kubelet of $KF_NODE_NAME restarted in $(kf_since "$t")s (pid $pid)"
