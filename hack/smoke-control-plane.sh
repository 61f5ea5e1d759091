#!/usr/bin/env bash
# Smoke test for the control plane built by hack/build-control-plane.sh.
#
# Starts etcd, kube-apiserver, kube-controller-manager and kube-scheduler on
# 127.0.0.1 (free ports, throwaway certs in a temp dir), then proves the
# controllers and the scheduler work:
#   Node (fake, no kubelet) -> default ServiceAccount -> Deployment(2 replicas)
#   -> ReplicaSet -> 2 Pods -> both Pods bound to the Node (spec.nodeName).
# Nothing but loopback is contacted. All processes are stopped on exit.
#
# Environment:
#   KUBECTL                  kubectl to use (default: kubectl in PATH)
#   KUBE_FRESH_SMOKE_KEEP=1  keep the temp dir (logs, certs, kubeconfig) after exit
#   KUBE_FRESH_CONTROL_PLANE_DIR  passed through to build-control-plane.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KUBECTL="${KUBECTL:-kubectl}"
NODE=smoke-node-1

log() { printf '[smoke %6.1fs] %s\n' "$(elapsed)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }
t_start="$(date +%s.%N)"
elapsed() { awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}'; }

command -v openssl >/dev/null || die "openssl not found"
command -v curl >/dev/null || die "curl not found"
command -v "$KUBECTL" >/dev/null || die "kubectl not found ($KUBECTL)"

bin="$("$repo/hack/build-control-plane.sh" | tail -n1)"
[[ -x "$bin/kube-apiserver" ]] || die "no binaries in '$bin'"
log "binaries: $bin"

work="$(mktemp -d /tmp/kube-fresh-smoke.XXXXXX)"
pids=()
hb_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n "$hb_pid" ]]; then # heartbeat loop first (its sleep/kubectl children after it, by PID)
    local kids; kids="$(pgrep -P "$hb_pid" || true)"
    kill "$hb_pid" 2>/dev/null || true
    [[ -n "$kids" ]] && kill $kids 2>/dev/null || true
  fi
  # stop in reverse start order, by PID
  local i p
  for (( i=${#pids[@]}-1; i>=0; i-- )); do
    p="${pids[$i]}"
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if (( rc != 0 )); then
    for f in "$work"/*.log; do
      [[ -f "$f" ]] || continue
      echo "----- last lines of $f -----" >&2; tail -n 25 "$f" >&2
    done
  fi
  if [[ "${KUBE_FRESH_SMOKE_KEEP:-0}" == 1 ]]; then
    echo "kept $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- free loopback ports ------------------------------------------------------
# Random port in 20000-45000 that nothing listens on and that we have not handed out yet.
used_ports=" "
free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 25000 ))
    [[ "$used_ports" == *" $p "* ]] && continue
    ss -Hltn "sport = :$p" | grep -q . && continue
    used_ports+="$p "
    echo "$p"; return
  done
}
etcd_port="$(free_port)"; etcd_peer_port="$(free_port)"
api_port="$(free_port)"; kcm_port="$(free_port)"; sched_port="$(free_port)"

# --- certificates (openssl) -----------------------------------------------------
pki="$work/pki"; mkdir -p "$pki"
t=$(now)
openssl_q() { openssl "$@" 2>>"$work/openssl.log"; }
openssl_q req -x509 -new -nodes -newkey rsa:2048 -keyout "$pki/ca.key" -out "$pki/ca.crt" \
  -subj "/CN=kube-fresh-smoke-ca" -days 1 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
# sign NAME SUBJECT EXTENSIONS
sign() {
  openssl_q req -new -nodes -newkey rsa:2048 -keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "$2"
  printf '%s\n' "$3" > "$pki/$1.ext"
  openssl_q x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 1 -sha256 -extfile "$pki/$1.ext" -out "$pki/$1.crt"
}
client_ext=$'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'
sign apiserver "/CN=kube-apiserver" $'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1'
sign admin "/O=system:masters/CN=kube-fresh-admin" "$client_ext"
# own identities for the components, so the bootstrap RBAC roles are exercised
sign controller-manager "/CN=system:kube-controller-manager" "$client_ext"
sign scheduler "/CN=system:kube-scheduler" "$client_ext"
# one RSA key signs and verifies service-account tokens (apiserver + KCM token controller)
openssl_q genrsa -out "$pki/sa.key" 2048
log "certs + SA key generated in $(since "$t")s"

kubeconfig() { # NAME CERTNAME
  cat > "$work/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: smoke
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: $1
  user:
    client-certificate-data: $(base64 -w0 "$pki/$2.crt")
    client-key-data: $(base64 -w0 "$pki/$2.key")
contexts:
- name: smoke
  context: {cluster: smoke, user: $1}
current-context: smoke
EOF
}
kubeconfig admin admin
kubeconfig controller-manager controller-manager
kubeconfig scheduler scheduler
export KUBECONFIG=/dev/null  # never fall back to ~/.kube/config
k() { "$KUBECTL" --kubeconfig "$work/admin.kubeconfig" "$@"; }

# start NAME CMD... : runs in the background, log in $work/NAME.log, prints the command line
start() {
  local name="$1"; shift
  printf '[smoke] %s command line:\n ' "$name" >&2; printf ' %q' "$@" >&2; echo >&2
  "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
}
# wait_http NAME URL TIMEOUT_S [curl args...]
wait_http() {
  local name="$1" url="$2" timeout="$3"; shift 3
  local t0; t0=$(now)
  local deadline=$(( $(date +%s) + timeout ))
  until curl -fsS -o /dev/null --max-time 2 "$@" "$url" 2>/dev/null; do
    kill -0 "${pids[-1]}" 2>/dev/null || die "$name exited (see $work/$name.log)"
    (( $(date +%s) < deadline )) || die "$name not healthy at $url after ${timeout}s"
    sleep 0.1
  done
  startup["$name"]="$(since "$t0")"
  log "$name healthy ($url) after ${startup[$name]}s"
}
declare -A startup

# --- etcd ------------------------------------------------------------------------
start etcd "$bin/etcd" \
  --name=default \
  --data-dir="$work/etcd-data" \
  --listen-client-urls="http://127.0.0.1:$etcd_port" \
  --advertise-client-urls="http://127.0.0.1:$etcd_port" \
  --listen-peer-urls="http://127.0.0.1:$etcd_peer_port" \
  --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster="default=http://127.0.0.1:$etcd_peer_port" \
  --unsafe-no-fsync=true \
  --log-level=warn
wait_http etcd "http://127.0.0.1:$etcd_port/health" 30

# --- kube-apiserver ----------------------------------------------------------------
# Admission: the default plugin set is kept (nothing disabled). ServiceAccount stays on
# because the controller-manager creates the `default` ServiceAccount; we wait for it.
# --endpoint-reconciler-type=none: the advertised address is 127.0.0.1 and the
# `kubernetes` Endpoints may not contain a loopback IP.
start kube-apiserver "$bin/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$etcd_port" \
  --bind-address=127.0.0.1 \
  --secure-port="$api_port" \
  --cert-dir="$work/apiserver-certs" \
  --tls-cert-file="$pki/apiserver.crt" \
  --tls-private-key-file="$pki/apiserver.key" \
  --client-ca-file="$pki/ca.crt" \
  --authorization-mode=RBAC \
  --service-cluster-ip-range=10.0.0.0/24 \
  --allow-privileged=true \
  --endpoint-reconciler-type=none \
  --service-account-issuer=https://kubernetes.default.svc \
  --service-account-key-file="$pki/sa.key" \
  --service-account-signing-key-file="$pki/sa.key" \
  --profiling=false
wait_http kube-apiserver "https://127.0.0.1:$api_port/readyz" 120 \
  --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key"

# --- kube-controller-manager -------------------------------------------------------
start kube-controller-manager "$bin/kube-controller-manager" \
  --kubeconfig="$work/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$work/controller-manager.kubeconfig" \
  --authorization-kubeconfig="$work/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="$kcm_port" \
  --cert-dir="$work/kcm-certs" \
  --leader-elect=false \
  --use-service-account-credentials=true \
  --service-account-private-key-file="$pki/sa.key" \
  --root-ca-file="$pki/ca.crt" \
  --service-cluster-ip-range=10.0.0.0/24 \
  --profiling=false
wait_http kube-controller-manager "https://127.0.0.1:$kcm_port/healthz" 90 -k

# --- kube-scheduler --------------------------------------------------------------
start kube-scheduler "$bin/kube-scheduler" \
  --kubeconfig="$work/scheduler.kubeconfig" \
  --authentication-kubeconfig="$work/scheduler.kubeconfig" \
  --authorization-kubeconfig="$work/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 \
  --secure-port="$sched_port" \
  --cert-dir="$work/scheduler-certs" \
  --leader-elect=false \
  --profiling=false
wait_http kube-scheduler "https://127.0.0.1:$sched_port/readyz" 90 -k

log "control plane up; admin kubeconfig: $work/admin.kubeconfig"
k version 2>&1 | sed 's/^/    /' >&2 || true
server_version="$(curl -fsS --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "https://127.0.0.1:$api_port/version" | awk -F'"' '/"gitVersion"/{print $4}')"
log "/version gitVersion=$server_version"

# --- a fake Node ------------------------------------------------------------------
# No kubelet runs, so we play its part for the scheduler:
#  * The TaintNodesByCondition admission plugin adds node.kubernetes.io/not-ready:NoSchedule
#    to every new Node. The node-lifecycle controller (KCM) removes it once the Node's
#    Ready condition is True, so we set Ready=True through the status subresource.
#  * Allocatable must list `pods` (and cpu/memory), or the NodeResourcesFit filter
#    rejects every pod ("Too many pods").
#  * The node-lifecycle controller marks the Node Ready=Unknown (and taints it
#    unreachable) when neither the Node status nor a Lease in kube-node-lease is renewed
#    within --node-monitor-grace-period (50s); a background heartbeat re-patches the
#    status every 10s for the rest of the test.
t=$(now)
k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $NODE
  labels: {kubernetes.io/hostname: $NODE, kubernetes.io/os: linux, kubernetes.io/arch: amd64}
EOF
log "node created; taints: $(k get node "$NODE" -o jsonpath='{.spec.taints}')"
node_status_patch() {
  local ts; ts="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  cat <<EOF
{"status":{
 "capacity":{"cpu":"4","memory":"8Gi","pods":"110"},
 "allocatable":{"cpu":"4","memory":"8Gi","pods":"110"},
 "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","message":"kube-fresh smoke test (no kubelet)","lastHeartbeatTime":"$ts","lastTransitionTime":"$ts"}],
 "addresses":[{"type":"InternalIP","address":"127.0.0.1"},{"type":"Hostname","address":"$NODE"}],
 "nodeInfo":{"kubeletVersion":"$server_version","architecture":"amd64","operatingSystem":"linux"}}}
EOF
}
k patch node "$NODE" --subresource=status --type=merge -p "$(node_status_patch)" >/dev/null
( while sleep 10; do k patch node "$NODE" --subresource=status --type=merge -p "$(node_status_patch)" >/dev/null 2>&1 || true; done ) &
hb_pid=$!

# wait for the node-lifecycle controller to drop the not-ready taint
deadline=$(( $(date +%s) + 60 ))
taint_removed_by=node-lifecycle-controller
while k get node "$NODE" -o jsonpath='{.spec.taints[*].key}' | grep -q 'node.kubernetes.io/not-ready'; do
  if (( $(date +%s) >= deadline )); then
    log "not-ready taint still present after 60s; removing it by hand"
    k taint node "$NODE" node.kubernetes.io/not-ready:NoSchedule- >/dev/null
    taint_removed_by=manual
    break
  fi
  sleep 0.5
done
log "node Ready, taints now: '$(k get node "$NODE" -o jsonpath='{.spec.taints}')' (not-ready taint removed by $taint_removed_by) after $(since "$t")s"

# --- default ServiceAccount (created by KCM's serviceaccount controller) ----------
t=$(now)
until k get serviceaccount default -n default >/dev/null 2>&1; do
  (( $(awk -v a="$t" -v b="$(now)" 'BEGIN{print int(b-a)}') < 60 )) || die "no default ServiceAccount after 60s"
  sleep 0.5
done
log "default ServiceAccount present after $(since "$t")s"

# --- Deployment -> ReplicaSet -> Pods -> bound -------------------------------------
# The image is never pulled (no kubelet); .invalid never resolves.
t=$(now)
k create deployment smoke --image=registry.invalid/pause:none --replicas=2 >/dev/null
deadline=$(( $(date +%s) + 90 ))
while :; do
  rs="$(k get rs -l app=smoke -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}{"\n"}{end}')"
  pods="$(k get pods -l app=smoke -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.spec.nodeName}{"\n"}{end}')"
  bound="$(awk -v n="$NODE" '$2==n' <<<"$pods" | grep -c . || true)"
  total="$(grep -c . <<<"$pods" || true)"
  if [[ -n "$rs" && "$total" -eq 2 && "$bound" -eq 2 ]]; then break; fi
  if (( $(date +%s) >= deadline )); then
    k get deploy,rs,pods -o wide >&2 || true
    k get events -A >&2 || true
    die "after 90s: replicasets='$rs' pods=$total bound=$bound"
  fi
  sleep 0.5
done
log "Deployment -> ReplicaSet -> 2 Pods bound to $NODE after $(since "$t")s"
echo "$rs" | sed 's/^/    replicaset: /' >&2
echo "$pods" | sed 's/^/    pod nodeName: /' >&2
k get events -n default --field-selector reason=Scheduled -o custom-columns=SOURCE:.source.component,REPORTER:.reportingComponent,MESSAGE:.message --no-headers 2>/dev/null | sed 's/^/    event: /' >&2 || true

cat > "$repo/.cache/control-plane/smoke-last.json" <<EOF
{"result": "ok", "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "kubernetes": "$server_version", "bin": "$bin",
 "startup_seconds": {"etcd": ${startup[etcd]}, "kube-apiserver": ${startup[kube-apiserver]}, "kube-controller-manager": ${startup[kube-controller-manager]}, "kube-scheduler": ${startup[kube-scheduler]}},
 "admission_plugins_disabled": [], "not_ready_taint_removed_by": "$taint_removed_by", "total_seconds": $(elapsed)}
EOF
echo "SMOKE OK: k8s $server_version; startup etcd=${startup[etcd]}s apiserver=${startup[kube-apiserver]}s controller-manager=${startup[kube-controller-manager]}s scheduler=${startup[kube-scheduler]}s; admission plugins disabled: none; not-ready taint removed by: $taint_removed_by"
