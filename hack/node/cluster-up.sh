#!/usr/bin/env bash
# Starts a throwaway Kubernetes cluster with REAL nodes on this machine, on loopback only:
#   etcd + kube-apiserver (Node,RBAC) + kube-controller-manager + kube-scheduler (v1.35.4, built
#   by hack/build-control-plane.sh), a plain-HTTP docker-registry, the static test images
#   (hack/node/images.sh), and KF_NODES (default 1, max 9) nodes, each = containerd + kubelet
#   (hack/node/start-node.sh). Waits until every Node is Ready and the `default` ServiceAccount exists.
#
#   cluster-up.sh            -> last stdout line: path of the env file (KEY=VALUE lines)
#   cluster-down.sh WORK     stops everything and cleans the host (also run on failure here)
#
# Environment (all optional):
#   KF_NODES=1|2|...         number of nodes (kf-node-1, kf-node-2, ...)
#   KF_WORK=DIR              work dir (default: mktemp -d /tmp/kf-node.XXXXXX); must be short
#   KUBECTL=PATH             kubectl to name in cluster.env (default: /usr/lib/google-cloud-sdk/bin/kubectl.1.3x,
#                            else PATH, else none); the scripts themselves use curl (kf_api in lib.sh)
#   KF_NODE_SNAPSHOTTER      overlayfs (default) or native
#   KF_NODE_READY_TIMEOUT    seconds to wait for Ready (default 120)
#   KUBE_FRESH_CONTROL_PLANE_DIR  passed through to hack/build-control-plane.sh
#
# The env file ($KF_WORK/cluster.env, also cluster.json) holds:
#   KF_WORK KF_RUN_ID KUBECONFIG (admin, system:masters) KF_API_SERVER KF_PKI KF_BIN KF_K8S_VERSION
#   KF_REGISTRY (127.0.0.1:PORT, plain HTTP) KF_PAUSE_IMAGE KF_IMAGE_LAYOUT (OCI layout with refs
#   pause app-v1 app-v2 app-v3) KF_IMAGES_SH KF_NODES (space-separated node names) KF_NODE_IP_PREFIX
#   KF_NODE_READY_SECONDS KF_UP_SECONDS
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
KF_LOG_PREFIX=cluster-up
t_up=$(kf_now)

n_nodes="${KF_NODES:-1}"
[[ "$n_nodes" =~ ^[1-9]$ ]] || kf_die "KF_NODES must be 1..9"
[[ $(id -u) -eq 0 ]] || kf_die "must run as root (containerd, runc, cgroups, mounts, lo addresses)"
for b in openssl curl jq ss setsid docker-registry skopeo umoci containerd runc ctr; do
  command -v "$b" >/dev/null || kf_die "$b not found (run hack/node/install-node-deps.sh)"
done
KUBECTL="$(kf_pick_kubectl 2>/dev/null || true)"

bin="$("$KF_REPO/hack/build-control-plane.sh" | tail -n1)"
[[ -x "$bin/kubelet" && -x "$bin/kube-apiserver" ]] || kf_die "no binaries in '$bin'"
k8s_version="$("$bin/kube-apiserver" --version | awk '{print $2}')"

W="${KF_WORK:-$(mktemp -d /tmp/kf-node.XXXXXX)}"
mkdir -p "$W"; W="$(cd "$W" && pwd)"
(( ${#W} <= 40 )) || kf_die "work dir path too long (unix socket paths): $W"
run_id="$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ok=0
on_exit() {
  local rc=$?
  if (( ! ok )); then
    kf_log "cluster-up failed (rc=$rc); tearing down"
    local f
    for f in "$W"/*.log "$W"/nodes/*/*.log; do
      [[ -f "$f" ]] || continue
      echo "----- last lines of $f -----" >&2; tail -n 15 "$f" | cut -c1-400 >&2
    done
    "$KF_NODE_LIB_DIR/cluster-down.sh" "$W" >&2 || true
  fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

kf_log "work dir $W, run id $run_id, $n_nodes node(s), k8s $k8s_version, kubectl ${KUBECTL:-none}"
kf_sysctl_acquire "$W" "$$" || kf_die "could not register with the shared kernel-tunable record in $KF_HOST_STATE_DIR"

# node IPs: 10.254.X.<index>/32 on lo, X random per run, not in use and not claimed by a run
# that is still starting (its first node IP appears only after its control plane is up)
while :; do
  ip_prefix="10.254.$(( 1 + RANDOM % 250 ))"
  ip -o addr show | grep " inet $ip_prefix\." >/dev/null && continue
  kf_claim ip-prefix "$ip_prefix" && break
done

# --- PKI -------------------------------------------------------------------------------------------
pki="$W/pki"
t=$(kf_now)
kf_pki_init "$pki"
kf_pki_sign "$pki" apiserver "/CN=kube-apiserver" $'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1'
kf_pki_sign "$pki" admin "/O=system:masters/CN=kube-fresh-admin" "$KF_CLIENT_EXT"
kf_pki_sign "$pki" controller-manager "/CN=system:kube-controller-manager" "$KF_CLIENT_EXT"
kf_pki_sign "$pki" scheduler "/CN=system:kube-scheduler" "$KF_CLIENT_EXT"
# apiserver -> kubelet (logs/exec/port-forward); system:masters passes the kubelet's webhook authz
kf_pki_sign "$pki" apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$KF_CLIENT_EXT"
openssl genrsa -out "$pki/sa.key" 2048 2>>"$pki/openssl.log"
kf_log "certs generated in $(kf_since "$t")s"

etcd_port="$(kf_free_port)"; etcd_peer_port="$(kf_free_port)"
api_port="$(kf_free_port)"; kcm_port="$(kf_free_port)"; sched_port="$(kf_free_port)"
api="https://127.0.0.1:$api_port"
kf_kubeconfig "$W/admin.kubeconfig" "$api" "$pki/ca.crt" "$pki/admin.crt" "$pki/admin.key" admin
kf_kubeconfig "$W/controller-manager.kubeconfig" "$api" "$pki/ca.crt" "$pki/controller-manager.crt" "$pki/controller-manager.key" controller-manager
kf_kubeconfig "$W/scheduler.kubeconfig" "$api" "$pki/ca.crt" "$pki/scheduler.crt" "$pki/scheduler.key" scheduler
export KUBECONFIG=/dev/null  # never fall back to ~/.kube/config
export KF_API_SERVER="$api" KF_PKI="$pki"  # for kf_api

declare -A startup
# wait_http NAME PID URL TIMEOUT [curl args]
wait_http() {
  local name="$1" pid="$2" url="$3" timeout="$4"; shift 4
  local t0; t0=$(kf_now)
  KF_WAIT_ALIVE_PID="$pid" kf_wait_until "$timeout" "$name at $url" curl -fsS -o /dev/null --max-time 2 "$@" "$url" \
    || kf_die "$name not healthy (see $W/$name.log)"
  startup[$name]="$(kf_since "$t0")"
  kf_log "$name healthy after ${startup[$name]}s"
}

# --- control plane ------------------------------------------------------------------------------------
pid="$(kf_daemon etcd "$W" "$bin/etcd" --name=default --data-dir="$W/etcd-data" \
  --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
  --listen-peer-urls="http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster="default=http://127.0.0.1:$etcd_peer_port" --unsafe-no-fsync=true --log-level=warn)"
wait_http etcd "$pid" "http://127.0.0.1:$etcd_port/health" 30

pid="$(kf_daemon kube-apiserver "$W" "$bin/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$etcd_port" \
  --bind-address=127.0.0.1 --secure-port="$api_port" --cert-dir="$W/apiserver-certs" \
  --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
  --client-ca-file="$pki/ca.crt" \
  --authorization-mode=Node,RBAC \
  --enable-admission-plugins=NodeRestriction \
  --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
  --kubelet-preferred-address-types=InternalIP \
  --service-cluster-ip-range=10.0.0.0/24 --allow-privileged=true --endpoint-reconciler-type=none \
  --service-account-issuer=https://kubernetes.default.svc \
  --service-account-key-file="$pki/sa.key" --service-account-signing-key-file="$pki/sa.key" \
  --profiling=false)"
wait_http kube-apiserver "$pid" "$api/readyz" 120 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key"

pid="$(kf_daemon kube-controller-manager "$W" "$bin/kube-controller-manager" \
  --kubeconfig="$W/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$W/controller-manager.kubeconfig" --authorization-kubeconfig="$W/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$kcm_port" --cert-dir="$W/kcm-certs" --leader-elect=false \
  --use-service-account-credentials=true --service-account-private-key-file="$pki/sa.key" \
  --root-ca-file="$pki/ca.crt" --service-cluster-ip-range=10.0.0.0/24 --profiling=false)"
wait_http kube-controller-manager "$pid" "https://127.0.0.1:$kcm_port/healthz" 90 -k

pid="$(kf_daemon kube-scheduler "$W" "$bin/kube-scheduler" \
  --kubeconfig="$W/scheduler.kubeconfig" \
  --authentication-kubeconfig="$W/scheduler.kubeconfig" --authorization-kubeconfig="$W/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$sched_port" --cert-dir="$W/scheduler-certs" --leader-elect=false --profiling=false)"
wait_http kube-scheduler "$pid" "https://127.0.0.1:$sched_port/readyz" 90 -k

# --- registry + images ------------------------------------------------------------------------------------
mkdir -p "$W/registry-data"
cat >"$W/registry.yml" <<EOF
version: 0.1
log: {level: info, formatter: text, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $W/registry-data}
  delete: {enabled: true}
  cache: {blobdescriptor: inmemory}
http:
  addr: 127.0.0.1:0
  secret: kube-fresh-test-only
  headers: {X-Content-Type-Options: [nosniff]}
EOF
t=$(kf_now)
pid="$(kf_daemon registry "$W" docker-registry serve "$W/registry.yml")"
KF_WAIT_ALIVE_PID="$pid" kf_wait_until 20 "registry 'listening on' log line" grep -q 'listening on 127.0.0.1:' "$W/registry.log" || kf_die "registry did not start"
reg_port="$(grep -o 'listening on 127.0.0.1:[0-9]*' "$W/registry.log" | head -n1 | grep -o '[0-9]*$')"
registry="127.0.0.1:$reg_port"
kf_wait_until 10 "registry /v2/" curl -fsS -o /dev/null "http://$registry/v2/" || kf_die "registry not answering"
startup[registry]="$(kf_since "$t")"
t=$(kf_now)
"$KF_NODE_LIB_DIR/images.sh" build "$W/images" 2> >(grep -v 'no history' >&2)
pause_image="$registry/kube-fresh/pause:3.10"
pause_digest="$("$KF_NODE_LIB_DIR/images.sh" push "$W/images" pause "$pause_image")"
kf_log "registry $registry up; images built; pushed $pause_image@$pause_digest in $(kf_since "$t")s"

# --- env file (before the nodes: start-node.sh reads it) ---------------------------------------------
write_env() {
  cat >"$W/cluster.env" <<EOF
KF_WORK=$W
KF_RUN_ID=$run_id
KUBECONFIG=$W/admin.kubeconfig
KF_KUBECONFIG=$W/admin.kubeconfig
KF_KUBECTL=$KUBECTL
KF_API_SERVER=$api
KF_PKI=$pki
KF_BIN=$bin
KF_K8S_VERSION=$k8s_version
KF_REGISTRY=$registry
KF_PAUSE_IMAGE=$pause_image
KF_IMAGE_LAYOUT=$W/images
KF_IMAGES_SH=$KF_NODE_LIB_DIR/images.sh
KF_NODE_IP_PREFIX=$ip_prefix
KF_NODES="${node_names[*]}"
KF_NODE_READY_SECONDS=${ready_s:-}
KF_UP_SECONDS=${up_s:-}
EOF
}
node_names=()
write_env

# --- nodes -------------------------------------------------------------------------------------------------
t_nodes=$(kf_now)
for i in $(seq 1 "$n_nodes"); do
  node_names+=("$("$KF_NODE_LIB_DIR/start-node.sh" "$W/cluster.env" "$i")")
done
write_env
ready_timeout="${KF_NODE_READY_TIMEOUT:-120}"
all_ready() {
  local n s
  for n in "${node_names[@]}"; do
    kf_api GET "/api/v1/nodes/$n" 2>/dev/null | jq -e 'any(.status.conditions[]?; .type == "Ready" and .status == "True")' >/dev/null || return 1
  done
}
if ! kf_wait_until "$ready_timeout" "nodes ${node_names[*]} Ready" all_ready; then
  kf_api GET /api/v1/nodes | jq -r '.items[] | .metadata.name as $n | .status.conditions[]? | "\($n) \(.type)=\(.status) \(.reason): \(.message)"' >&2 || true
  kf_die "nodes not Ready after ${ready_timeout}s"
fi
ready_s="$(kf_since "$t_nodes")"
kf_log "nodes Ready after ${ready_s}s: ${node_names[*]}"
kf_wait_until 60 "default ServiceAccount" kf_api GET /api/v1/namespaces/default/serviceaccounts/default || kf_die "no default ServiceAccount"
# the node-lifecycle controller removes the not-ready taint shortly after Ready
no_not_ready_taint() { kf_api GET /api/v1/nodes | jq -e '[.items[].spec.taints[]?.key] | any(contains("not-ready")) | not' >/dev/null; }
kf_wait_until 60 "not-ready taints removed" no_not_ready_taint \
  || kf_log "warning: node.kubernetes.io/not-ready taint still present"
up_s="$(kf_since "$t_up")"
write_env
jq -Rn '[inputs | select(length>0) | capture("^(?<k>[A-Z0-9_]+)=(?<v>.*)$") | {(.k): (.v | ltrimstr("\"") | rtrimstr("\""))}] | add' <"$W/cluster.env" >"$W/cluster.json"
kf_log "cluster up in ${up_s}s (control plane: etcd ${startup[etcd]}s, apiserver ${startup[kube-apiserver]}s; registry ${startup[registry]}s; nodes Ready ${ready_s}s)"
ok=1
echo "$W/cluster.env"
