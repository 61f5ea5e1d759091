#!/usr/bin/env bash
# Starts one real Kubernetes node on this machine: Debian's containerd (CRI plugin) + runc +
# containernetworking-plugins and the kubelet built by hack/build-control-plane.sh, joined to a
# running control plane.
#
#   start-node.sh CLUSTER_ENV INDEX
#
# CLUSTER_ENV is the env file written by cluster-up.sh (KF_WORK, KF_RUN_ID, KF_API_SERVER,
# KF_PKI, KF_BIN, KF_REGISTRY, KF_PAUSE_IMAGE, KF_NODE_IP_PREFIX, KF_KUBECONFIG). INDEX is 1..9.
# The node is called kf-node-INDEX; everything lives in $KF_WORK/nodes/nINDEX:
#   containerd/{config.toml,root,state,certs.d}  cni/{net.d,ipam}  kubelet/{config.yaml,root,pod-logs}
#   containerd.log kubelet.log *.pid node.env
# Host state it touches, all undone by stop-node.sh:
#   * a /32 node IP on lo (KF_NODE_IP_PREFIX.INDEX), because --node-ip may not be loopback
#   * cgroup /kubefresh-<run>-nINDEX in every hierarchy (the kubelet's cgroupRoot)
#   * a CNI bridge kf<run>nINDEX, netns files under the node's containerd state dir
#   * /var/lib/cni/results/kf-<run>-nINDEX-* (libcni's cache dir is not configurable in containerd 1.6)
#   * the kubelet's kernel tunables (saved by cluster-up.sh in $KF_WORK/sysctl.saved)
# Prints the node name on stdout when the kubelet is healthy (it does NOT wait for Ready).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

env_file="${1:?usage: start-node.sh CLUSTER_ENV INDEX}"
idx="${2:?usage: start-node.sh CLUSTER_ENV INDEX}"
[[ "$idx" =~ ^[1-9]$ ]] || kf_die "INDEX must be 1..9"
# shellcheck disable=SC1090
source "$env_file"
KF_LOG_PREFIX="node-$idx"

name="kf-node-$idx"
nd="$KF_WORK/nodes/n$idx"
node_ip="${KF_NODE_IP_PREFIX}.$idx"
cgroup_root="kubefresh-$KF_RUN_ID-n$idx"
bridge="kf${KF_RUN_ID}n$idx"
cni_net="kf-$KF_RUN_ID-n$idx"
subnet="10.88.$(( (16#${KF_RUN_ID:0:2} % 25) * 10 + idx )).0/24"
snapshotter="${KF_NODE_SNAPSHOTTER:-}"
if [[ -z "$snapshotter" ]]; then
  if grep -qw overlay /proc/filesystems; then snapshotter=overlayfs; else snapshotter=native; fi
fi
mkdir -p "$nd"/{containerd/root,containerd/state,containerd/certs.d,cni/net.d,cni/ipam,kubelet/root,kubelet/pod-logs,pki}

# --- preflight --------------------------------------------------------------------------------
for b in containerd containerd-shim-runc-v2 runc ip; do command -v "$b" >/dev/null || kf_die "$b not found (run hack/node/install-node-deps.sh)"; done
for p in bridge host-local loopback; do [[ -x /usr/lib/cni/$p ]] || kf_die "/usr/lib/cni/$p missing (containernetworking-plugins)"; done
[[ -x "$KF_BIN/kubelet" ]] || kf_die "no kubelet in $KF_BIN"
cg_mode="$(kf_cgroup_mode)"
if [[ "$cg_mode" == v1 ]]; then
  for s in cpu cpuacct cpuset memory pids; do
    [[ -d /sys/fs/cgroup/$s ]] || kf_die "cgroup v1 hierarchy '$s' not mounted; the kubelet needs cpu, cpuacct, cpuset, memory, pids"
  done
fi
(( ${#nd} < 70 )) || kf_die "work dir path too long for unix sockets: $nd"
# CAP_SYS_RESOURCE (bit 24) missing from the effective/bounding set (true on the kube-fresh build VMs):
# runc then fails every sandbox with "can't get final child's PID from pipe: EOF", because
# nsexec cannot write the pod's negative oom_score_adj ("failed to update /proc/self/oom_score_adj:
# Permission denied", seen with `runc --debug`). containerd's restrict_oom_score_adj clamps the
# value to containerd's own (0), and the kubelet's own oomScoreAdj goes to 0 as well.
cap_eff="$(awk '/^CapEff:/{print $2}' /proc/self/status)"
if (( (16#$cap_eff >> 24) & 1 )); then restrict_oom=false; kubelet_oom=-999; else restrict_oom=true; kubelet_oom=0; fi

# --- node identity: client cert CN=system:node:<name>, O=system:nodes -------------------------------
kf_pki_sign "$KF_PKI" "node-$idx" "/O=system:nodes/CN=system:node:$name" "$KF_CLIENT_EXT"
kf_kubeconfig "$nd/kubelet.kubeconfig" "$KF_API_SERVER" "$KF_PKI/ca.crt" "$KF_PKI/node-$idx.crt" "$KF_PKI/node-$idx.key" "system:node:$name"

# --- node IP on lo -----------------------------------------------------------------------------------
if [[ "$(ip -o addr show dev lo)" == *" inet $node_ip/32 "* ]]; then
  kf_die "$node_ip/32 is already on lo (another run with the same run id?)"
fi
ip addr add "$node_ip/32" dev lo
echo "$node_ip/32" >"$nd/lo-addr"

# --- cgroup root -----------------------------------------------------------------------------------
kf_cgroup_create "$cgroup_root"
echo "$cgroup_root" >"$nd/cgroup-root"

# --- CNI: bridge + host-local, no ipMasq/portmap (no iptables), no gateway (no ip_forward) --------
# The conflist must exist before containerd starts, or the node stays NotReady
# ("cni plugin not initialized"). isGateway=false: the bridge gets no host IP, so the bridge
# plugin never turns on net.ipv4.ip_forward; pods cannot reach the host and vice versa
# (nothing in the tests needs that; the registry is reached by containerd on the host).
cat >"$nd/cni/net.d/10-kube-fresh.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$cni_net",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$bridge",
      "isGateway": false,
      "ipMasq": false,
      "hairpinMode": false,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$subnet"}]],
        "dataDir": "$nd/cni/ipam"
      }
    }
  ]
}
EOF
echo "$bridge" >"$nd/cni-bridge"; echo "$cni_net" >"$nd/cni-network"

# --- containerd ----------------------------------------------------------------------------------------
sock="$nd/containerd/state/containerd.sock"
reg_host="$KF_REGISTRY"
mkdir -p "$nd/containerd/certs.d/$reg_host"
cat >"$nd/containerd/certs.d/$reg_host/hosts.toml" <<EOF
server = "http://$reg_host"

[host."http://$reg_host"]
  capabilities = ["pull", "resolve"]
  skip_verify = true
EOF
cat >"$nd/containerd/config.toml" <<EOF
version = 2
root = "$nd/containerd/root"
state = "$nd/containerd/state"

[grpc]
  address = "$sock"

[debug]
  level = "${KF_CONTAINERD_LOG_LEVEL:-info}"

[plugins."io.containerd.internal.v1.opt"]
  path = "$nd/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$KF_PAUSE_IMAGE"
  netns_mounts_under_state_dir = true
  restrict_oom_score_adj = $restrict_oom
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "$snapshotter"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$nd/containerd/state/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$nd/cni/net.d"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$nd/containerd/certs.d"
EOF
t=$(kf_now)
ctrd_pid="$(kf_daemon containerd "$nd" containerd --config "$nd/containerd/config.toml")"
KF_WAIT_ALIVE_PID="$ctrd_pid" kf_wait_until 30 "containerd socket $sock" ctr -a "$sock" version || kf_die "containerd did not start (see $nd/containerd.log)"
cri_state="$(ctr -a "$sock" plugins ls 2>/dev/null | awk '$2=="cri"{print $4}')"
[[ "$cri_state" == ok ]] || kf_die "containerd CRI plugin state '$cri_state' (see $nd/containerd.log)"
snap_state="$(ctr -a "$sock" plugins ls 2>/dev/null | awk -v s="$snapshotter" '$1=="io.containerd.snapshotter.v1" && $2==s {print $4}')"
[[ "$snap_state" == ok ]] || kf_die "snapshotter $snapshotter state '$snap_state' (set KF_NODE_SNAPSHOTTER=native?)"
kf_log "containerd up in $(kf_since "$t")s (pid $ctrd_pid, snapshotter $snapshotter, restrict_oom_score_adj $restrict_oom, socket $sock)"

# --- kubelet -----------------------------------------------------------------------------------------
kport="$(kf_free_port)"; hport="$(kf_free_port)"
fail_cgv1=false
cat >"$nd/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://$sock
cgroupDriver: cgroupfs
cgroupRoot: /$cgroup_root
cgroupsPerQOS: true
failCgroupV1: $fail_cgv1
failSwapOn: false
address: $node_ip
port: $kport
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $hport
podLogsDir: $nd/kubelet/pod-logs
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $KF_PKI/ca.crt}
authorization:
  mode: Webhook
evictionHard:
  nodefs.available: "0%"
  nodefs.inodesFree: "0%"
  imagefs.available: "0%"
  imagefs.inodesFree: "0%"
imageGCHighThresholdPercent: 100
makeIPTablesUtilChains: false
protectKernelDefaults: false
registerNode: true
resolvConf: /etc/resolv.conf
staticPodPath: ""
shutdownGracePeriod: 0s
oomScoreAdj: $kubelet_oom
syncFrequency: ${KF_KUBELET_SYNC_FREQUENCY:-1m}
EOF
kubelet_argv=("$KF_BIN/kubelet"
  --config="$nd/kubelet/config.yaml"
  --kubeconfig="$nd/kubelet.kubeconfig"
  --hostname-override="$name"
  --node-ip="$node_ip"
  --root-dir="$nd/kubelet/root"
  --cert-dir="$nd/kubelet/root/pki"
  --v="${KF_KUBELET_VERBOSITY:-2}")
printf '%s\0' "${kubelet_argv[@]}" >"$nd/kubelet.argv"   # restart-kubelet.sh reuses it
t=$(kf_now)
kubelet_pid="$(kf_daemon kubelet "$nd" "${kubelet_argv[@]}")"
KF_WAIT_ALIVE_PID="$kubelet_pid" kf_wait_until 90 "kubelet healthz 127.0.0.1:$hport" curl -fsS --max-time 2 "http://127.0.0.1:$hport/healthz" \
  || kf_die "kubelet not healthy (see $nd/kubelet.log: $(grep -E '^E|"command failed"|Error' "$nd/kubelet.log" | tail -n 3 | cut -c1-400))"
kf_log "kubelet healthy in $(kf_since "$t")s (pid $kubelet_pid, port $kport, node IP $node_ip)"

cat >"$nd/node.env" <<EOF
KF_NODE_NAME=$name
KF_NODE_DIR=$nd
KF_NODE_IP=$node_ip
KF_NODE_CONTAINERD_SOCK=$sock
KF_NODE_KUBELET_PORT=$kport
KF_NODE_KUBELET_HEALTHZ_PORT=$hport
KF_NODE_CGROUP_ROOT=/$cgroup_root
KF_NODE_CNI_BRIDGE=$bridge
KF_NODE_POD_SUBNET=$subnet
KF_NODE_SNAPSHOTTER=$snapshotter
KF_NODE_RESTRICT_OOM_SCORE_ADJ=$restrict_oom
EOF
echo "$name"
