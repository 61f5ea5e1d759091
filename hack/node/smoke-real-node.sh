#!/usr/bin/env bash
# The stale-image story on REAL nodes (kubelet + containerd), proved with kubectl only.
#
#   smoke-real-node.sh
#
# Brings a cluster up with cluster-up.sh (KF_NODES, default 2), then:
#   01 Deployment app (image REG/demo/app:v1, imagePullPolicy IfNotPresent) on kf-node-1 -> Running v1
#   02 push a NEW image (v2) to the same tag demo/app:v1
#   03 scale to 2 on kf-node-1 -> new Pod runs the OLD digest, event "already present on machine"
#   04 Pod with imagePullPolicy Never on kf-node-1 (image cached) -> runs the OLD digest too
#   05 (2 nodes) scale to 3 on kf-node-2 (empty cache) -> pulls the NEW digest: one ReplicaSet, two digests
#   06 Pod with imagePullPolicy Always on kf-node-1 -> pulls the NEW digest
#   07 the OLD Pods' status.containerStatuses[].image/imageID after the tag moved in containerd:
#      unchanged for KF_RESYNC_WAIT seconds (default 65, > the kubelet's 1m pod sync), then
#      after a kubelet restart (restart-kubelet.sh) image = sha256:<old config digest>
#   07c SIGKILL one old Pod's container -> the restarted container runs the NEW digest
#   08 Pod with imagePullPolicy Never and an image not on the node -> ErrImageNeverPull
#   09 the cure kube-fresh pin/fix applies: image REG/demo/app:v1@<new digest> -> every Pod runs it
# and tears everything down with cluster-down.sh, then checks the host is clean.
# Each step's exact containerStatuses, Events and the nodes' containerd image lists go to
# $KF_WORK/evidence/NN-*.json, and to KF_EVIDENCE_DIR too when set (hack/node/evidence in the repo).
# Prints "real-node: N passed, M failed" last; exit 0 only when all assertions passed and the
# host is clean.
#
# Environment: KF_NODES (default 2), KF_RESYNC_WAIT (default 65; 0 skips the wait), KF_EVIDENCE_DIR, KF_KEEP=1
# (keep work dir), KUBECTL, plus everything cluster-up.sh reads.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
KF_LOG_PREFIX=story
export KF_NODES="${KF_NODES:-2}"
n_nodes="$KF_NODES"
resync_wait="${KF_RESYNC_WAIT:-65}"

"$KF_NODE_LIB_DIR/install-node-deps.sh"

passed=0; failed=0; failures=()
pass() { passed=$((passed + 1)); kf_log "PASS: $*"; }
fail() { failed=$((failed + 1)); failures+=("$*"); kf_log "FAIL (assertion): $*"; }
check() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

shims_before="$(ls /run/containerd/s 2>/dev/null | wc -l)"
sysctl_before="$(for k in "${KF_KUBELET_SYSCTLS[@]}"; do echo "$k=$(sysctl -n "$k")"; done)"
t_total=$(kf_now)

env_file=""
W=""
mem_pid=""
finish() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n "$mem_pid" ]] && { kill "$mem_pid" 2>/dev/null || true; wait "$mem_pid" 2>/dev/null || true; }
  local t_down down_rc=0 down_s="null" leftovers=()
  if [[ -n "$W" && -d "$W" ]]; then
    [[ -f "$W/mem.peak" ]] && cp "$W/mem.peak" "/tmp/kf-mem.$$"
    t_down=$(kf_now)
    KF_KEEP=1 "$KF_NODE_LIB_DIR/cluster-down.sh" "$W" || down_rc=$?
    down_s="$(kf_since "$t_down")"
    # host checks
    local run_id; run_id="$(awk -F= '$1=="KF_RUN_ID"{print $2}' "$W/cluster.env" 2>/dev/null || true)"
    [[ -z "$(kf_pids_with_arg "$W/")" ]] || leftovers+=("processes")
    ! awk -v d="$W" 'index($5, d)==1 {f=1} END {exit !f}' /proc/self/mountinfo || leftovers+=("mounts")
    if [[ -n "$run_id" ]]; then
      ! ls -d /sys/fs/cgroup/*/kubefresh-"$run_id"-* /sys/fs/cgroup/kubefresh-"$run_id"-* >/dev/null 2>&1 || leftovers+=("cgroups")
      ! ip -o link show | grep "kf${run_id}n" >/dev/null || leftovers+=("bridges")
      ! ls /var/lib/cni/results/kf-"$run_id"-* >/dev/null 2>&1 || leftovers+=("cni-results")
    fi
    local ip_prefix; ip_prefix="$(awk -F= '$1=="KF_NODE_IP_PREFIX"{print $2}' "$W/cluster.env" 2>/dev/null || true)"
    [[ -z "$ip_prefix" ]] || ! ip -o addr show dev lo | grep " inet ${ip_prefix//./\\.}\." >/dev/null || leftovers+=("lo-addresses")
    [[ "$(ls /run/containerd/s 2>/dev/null | wc -l)" == "$shims_before" ]] || leftovers+=("shim-sockets")
    [[ "$(for k in "${KF_KUBELET_SYSCTLS[@]}"; do echo "$k=$(sysctl -n "$k")"; done)" == "$sysctl_before" ]] || leftovers+=("sysctls")
    if (( down_rc == 0 && ${#leftovers[@]} == 0 )); then pass "teardown clean in ${down_s}s"; else fail "teardown: rc=$down_rc leftovers: ${leftovers[*]:-none}"; fi
  fi
  local summary
  summary="$(jq -n --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --argjson passed "$passed" --argjson failed "$failed" \
    --argjson failures "$(printf '%s\n' "${failures[@]:-}" | jq -R . | jq -s 'map(select(length>0))')" \
    --arg nodes "$n_nodes" --arg up "${up_s:-}" --arg ready "${ready_s:-}" --arg story "${story_s:-}" \
    --arg down "$down_s" --arg total "$(kf_since "$t_total")" --arg mem "$(cat "/tmp/kf-mem.$$" 2>/dev/null || echo '')" \
    --arg k8s "${KF_K8S_VERSION:-}" --arg ctrd "$(containerd --version 2>/dev/null | awk '{print $3}')" --arg runc "$(runc --version 2>/dev/null | awk 'NR==1{print $3}')" \
    '{date: $date, kubernetes: $k8s, containerd: $ctrd, runc: $runc, nodes: ($nodes|tonumber), passed: $passed, failed: $failed, failures: $failures,
      seconds: {cluster_up: ($up|tonumber? // null), nodes_ready: ($ready|tonumber? // null), story: ($story|tonumber? // null), teardown: ($down|tonumber? // null), total: ($total|tonumber)},
      peak_rss_mib: ($mem|split(" ")[0]|tonumber? // null), peak_rss_breakdown: ($mem|split(" ")[1:]|join(" "))}')"
  rm -f "/tmp/kf-mem.$$"
  echo "$summary" >&2
  if [[ -n "${KF_EVIDENCE_DIR:-}" ]]; then echo "$summary" >"$KF_EVIDENCE_DIR/summary.json"; fi
  if [[ -n "$W" && -d "$W" && "${KF_KEEP:-0}" != 1 && $failed -eq 0 ]]; then rm -rf "$W"; elif [[ -n "$W" && -d "$W" ]]; then kf_log "kept $W"; fi
  (( rc == 0 && failed > 0 )) && rc=1
  (( rc != 0 && failed == 0 )) && { failed=1; }
  echo "real-node: $passed passed, $failed failed"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- cluster ------------------------------------------------------------------------------------------
env_file="$("$KF_NODE_LIB_DIR/cluster-up.sh" | tail -n1)"
# shellcheck disable=SC1090
source "$env_file"
W="$KF_WORK"
up_s="$KF_UP_SECONDS"; ready_s="$KF_NODE_READY_SECONDS"
read -r -a nodes <<<"$KF_NODES"
pass "cluster up in ${up_s}s, nodes Ready (${nodes[*]}) ${ready_s}s after kubelet start"
export KUBECONFIG
k() { timeout 60 "$KF_KUBECTL" --kubeconfig "$KUBECONFIG" --request-timeout=30s "$@"; }
ev_dir="$W/evidence"; mkdir -p "$ev_dir"
[[ -n "${KF_EVIDENCE_DIR:-}" ]] && mkdir -p "$KF_EVIDENCE_DIR"

# peak memory of everything this run started: processes whose command line names the work dir
# (etcd, apiserver, ..., containerd, kubelet, shims) plus the pods' processes (the nodes' cgroups)
(
  peak=0
  while sleep 1; do
    pids="$( { kf_pids_with_arg "$W/"; cat /sys/fs/cgroup/pids/kubefresh-"$KF_RUN_ID"-*/cgroup.procs /sys/fs/cgroup/pids/kubefresh-"$KF_RUN_ID"-*/kubepods/*/cgroup.procs /sys/fs/cgroup/pids/kubefresh-"$KF_RUN_ID"-*/kubepods/*/*/*/cgroup.procs /sys/fs/cgroup/pids/kubefresh-"$KF_RUN_ID"-*/kubepods/*/*/cgroup.procs 2>/dev/null; } | sort -u)"
    total=0; breakdown=""
    declare -A by=()
    for p in $pids; do
      rss="$(awk '/^VmRSS:/{print $2}' "/proc/$p/status" 2>/dev/null)"; [[ -n "$rss" ]] || continue
      comm="$(cat "/proc/$p/comm" 2>/dev/null)"; total=$((total + rss)); by[$comm]=$(( ${by[$comm]:-0} + rss ))
    done
    if (( total > peak )); then
      peak=$total
      breakdown="$(for c in "${!by[@]}"; do echo "$c=$(( by[$c] / 1024 ))"; done | sort -t= -k2 -rn | tr '\n' ',' | sed 's/,$//')"
      echo "$(( peak / 1024 )) $breakdown" >"$W/mem.peak"
    fi
    unset by
  done
) &
mem_pid=$!

REG="$KF_REGISTRY"; REPO="$REG/demo/app"; TAG_REF="$REPO:v1"
node1="${nodes[0]}"; node2="${nodes[1]:-}"

registry_digest() { skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$1"; }
config_digest() { skopeo inspect --tls-verify=false --raw "docker://$1" | jq -r .config.digest; }
node_sock() { awk -F= '$1=="KF_NODE_CONTAINERD_SOCK"{print $2}' "$W/nodes/n$1/node.env"; }

# node_cache_json : {"kf-node-1": [{"ref":..., "digest":...}], ...} from `ctr -n k8s.io images ls`
node_cache_json() {
  local i sock
  for i in "${!nodes[@]}"; do
    sock="$(node_sock $((i + 1)))"
    ctr -a "$sock" -n k8s.io images ls 2>/dev/null | awk 'NR>1{print $1" "$3}' |
      jq -R 'split(" ") | {ref: .[0], digest: .[1]}' | jq -s --arg n "${nodes[$i]}" '{($n): .}'
  done | jq -s 'add // {}'
}
pod_json() { # reduced Pod: spec image/policy, node, phase, containerStatuses (exact)
  k get pod "$1" -o json | jq '{name: .metadata.name, uid: .metadata.uid, node: .spec.nodeName,
    ownerReplicaSet: ((.metadata.ownerReferences // [])[0].name),
    specImage: .spec.containers[0].image, imagePullPolicy: .spec.containers[0].imagePullPolicy,
    phase: .status.phase, containerStatuses: .status.containerStatuses}'
}
pod_events() {
  k get events --field-selector "involvedObject.kind=Pod,involvedObject.name=$1" -o json |
    jq '[.items | sort_by(.firstTimestamp // .eventTime) | .[] | {type, reason, message, count,
         source: (.source.component // .reportingComponent), host: .source.host, firstTimestamp, lastTimestamp}]'
}
# evidence NN-name "description" '{"expected": ...}' POD...
evidence() {
  local id="$1" desc="$2" extra="$3"; shift 3
  local pods="[]" events="{}" p
  for p in "$@"; do
    pods="$(jq --argjson x "$(pod_json "$p")" '. + [$x]' <<<"$pods")"
    events="$(jq --arg p "$p" --argjson x "$(pod_events "$p")" '. + {($p): $x}' <<<"$events")"
  done
  jq -n --arg step "$id" --arg desc "$desc" --arg reg "$REG" --arg tag "$TAG_REF" \
    --arg tagDigest "$(registry_digest "$TAG_REF")" --arg k8s "$KF_K8S_VERSION" \
    --arg ctrd "$(containerd --version | awk '{print $3}')" --argjson extra "$extra" \
    --argjson pods "$pods" --argjson events "$events" --argjson cache "$(node_cache_json)" \
    '{step: $step, description: $desc, kubernetes: $k8s, containerd: $ctrd, registry: $reg,
      tag: {ref: $tag, registryDigest: $tagDigest}} + $extra + {pods: $pods, events: $events, nodeImageCache: $cache}' \
    >"$ev_dir/$id.json"
  [[ -n "${KF_EVIDENCE_DIR:-}" ]] && cp "$ev_dir/$id.json" "$KF_EVIDENCE_DIR/$id.json"
  kf_log "evidence $id.json written"
}

cs() { k get pod "$1" -o jsonpath="{.status.containerStatuses[0].$2}" 2>/dev/null; }
pod_running() { [[ "$(k get pod "$1" -o jsonpath='{.status.phase}{" "}{.status.containerStatuses[0].started}' 2>/dev/null)" == "Running true" ]]; }
wait_running() { kf_wait_until "${2:-90}" "pod $1 Running" pod_running "$1" || { k describe pod "$1" >&2 || true; return 1; }; }
waiting_reason_is() { [[ "$(cs "$1" state.waiting.reason)" == "$2" ]]; }
app_pods() { k get pods -l app=app -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | sort; }
new_app_pod() { comm -13 <(printf '%s\n' "$1") <(app_pods) | head -n1; }
has_event() { pod_events "$1" | jq -e --arg r "$2" --arg m "$3" 'any(.[]; .reason == $r and (.message | contains($m)))' >/dev/null; }
logs_say() { k logs "$1" 2>/dev/null | grep "kube-fresh test app $2 started" >/dev/null; }
pod_manifest() { # NAME IMAGE POLICY NODE
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $1, labels: {story: kube-fresh}}
spec:
  nodeName: $4
  containers:
  - name: app
    image: $2
    imagePullPolicy: $3
EOF
}

t_story=$(kf_now)
# --- 01 deploy v1 ------------------------------------------------------------------------------------------
d1="$("$KF_IMAGES_SH" push "$KF_IMAGE_LAYOUT" app-v1 "$TAG_REF")"; c1="$(config_digest "$TAG_REF")"
kf_log "pushed v1 to $TAG_REF: manifest $d1, config $c1"
[[ -n "$node2" ]] && k cordon "$node2" >/dev/null
k apply -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, labels: {app: app}}
spec:
  replicas: 1
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
      - name: app
        image: $TAG_REF
        imagePullPolicy: IfNotPresent
EOF
kf_wait_until 60 "first app pod" bash -c "[[ -n \"\$('$KF_KUBECTL' --kubeconfig '$KUBECONFIG' get pods -l app=app -o name)\" ]]"
p1="$(app_pods | head -n1)"
t=$(kf_now); wait_running "$p1" 90 || true
check "01 $p1 Running on $node1 ($(kf_since "$t")s)" pod_running "$p1"
check "01 $p1 imageID is $REPO@$d1" test "$(cs "$p1" imageID)" == "$REPO@$d1"
check "01 $p1 logs say v1" logs_say "$p1" v1
check "01 $p1 event Pulled 'Successfully pulled image'" has_event "$p1" Pulled "Successfully pulled image \"$TAG_REF\""
evidence 01-deploy-v1-ifnotpresent "Deployment app, image $TAG_REF, imagePullPolicy IfNotPresent, first pull on $node1" \
  "$(jq -n --arg d "$d1" --arg c "$c1" '{pushed: {version: "v1", manifestDigest: $d, configDigest: $c}}')" "$p1"

# --- 02 move the tag ---------------------------------------------------------------------------------------
d2="$("$KF_IMAGES_SH" push "$KF_IMAGE_LAYOUT" app-v2 "$TAG_REF")"; c2="$(config_digest "$TAG_REF")"
kf_log "pushed v2 to the same tag $TAG_REF: manifest $d2, config $c2"
check "02 tag moved: registry digest changed" test "$d1" != "$d2"
jq -n --arg tag "$TAG_REF" --arg d1 "$d1" --arg c1 "$c1" --arg d2 "$d2" --arg c2 "$c2" --argjson cache "$(node_cache_json)" \
  '{step: "02-push-v2-same-tag", tag: $tag, before: {manifestDigest: $d1, configDigest: $c1}, after: {manifestDigest: $d2, configDigest: $c2}, nodeImageCache: $cache}' \
  >"$ev_dir/02-push-v2-same-tag.json"
[[ -n "${KF_EVIDENCE_DIR:-}" ]] && cp "$ev_dir/02-push-v2-same-tag.json" "$KF_EVIDENCE_DIR/"

# --- 03 scale up on the same node ------------------------------------------------------------------------
before="$(app_pods)"
k scale deployment app --replicas=2 >/dev/null
kf_wait_until 60 "second app pod" bash -c "[[ \$('$KF_KUBECTL' --kubeconfig '$KUBECONFIG' get pods -l app=app -o name | wc -l) -ge 2 ]]"
p2="$(new_app_pod "$before")"
wait_running "$p2" 90 || true
check "03 $p2 Running on $node1" test "$(k get pod "$p2" -o jsonpath='{.spec.nodeName}')" == "$node1"
check "03 $p2 (new Pod after the tag moved) runs the OLD digest: imageID $REPO@$d1" test "$(cs "$p2" imageID)" == "$REPO@$d1"
check "03 $p2 logs say v1" logs_say "$p2" v1
check "03 $p2 event Pulled 'already present on machine'" has_event "$p2" Pulled "already present on machine"
evidence 03-scale-up-ifnotpresent-old-digest "scale to 2 after the tag moved; the new Pod lands on $node1, whose containerd still has the old image for the tag" \
  "$(jq -n --arg d1 "$d1" --arg d2 "$d2" '{expected: {imageIDDigest: $d1, registryDigestNow: $d2, eventContains: "already present on machine"}}')" "$p2" "$p1"

# --- 04 Never with the image cached --------------------------------------------------------------------------
pod_manifest app-never-cached "$TAG_REF" Never "$node1" | k apply -f - >/dev/null
wait_running app-never-cached 60 || true
check "04 app-never-cached runs the OLD digest" test "$(cs app-never-cached imageID)" == "$REPO@$d1"
check "04 app-never-cached event Pulled 'already present on machine'" has_event app-never-cached Pulled "already present on machine"
evidence 04-never-cached-old-digest "Pod with imagePullPolicy Never on $node1 after the tag moved: uses whatever the node has cached" \
  "$(jq -n --arg d1 "$d1" '{expected: {imageIDDigest: $d1}}')" app-never-cached

# --- 05 scale to a node with an empty cache --------------------------------------------------------------------
if [[ -n "$node2" ]]; then
  k cordon "$node1" >/dev/null; k uncordon "$node2" >/dev/null
  before="$(app_pods)"
  k scale deployment app --replicas=3 >/dev/null
  kf_wait_until 60 "third app pod" bash -c "[[ \$('$KF_KUBECTL' --kubeconfig '$KUBECONFIG' get pods -l app=app -o name | wc -l) -ge 3 ]]"
  p3="$(new_app_pod "$before")"
  wait_running "$p3" 90 || true
  k uncordon "$node1" >/dev/null
  check "05 $p3 Running on $node2" test "$(k get pod "$p3" -o jsonpath='{.spec.nodeName}')" == "$node2"
  check "05 $p3 pulled the NEW digest on $node2: imageID $REPO@$d2" test "$(cs "$p3" imageID)" == "$REPO@$d2"
  check "05 $p3 logs say v2" logs_say "$p3" v2
  check "05 $p3 event Pulled 'Successfully pulled image'" has_event "$p3" Pulled "Successfully pulled image"
  check "05 one ReplicaSet, two digests" test "$(k get pod "$p3" -o jsonpath='{.metadata.ownerReferences[0].name}')" == "$(k get pod "$p1" -o jsonpath='{.metadata.ownerReferences[0].name}')"
  evidence 05-scale-to-empty-node-new-digest "scale to 3 with only $node2 schedulable; $node2 has no cached image and pulls the tag: the same ReplicaSet now runs two digests" \
    "$(jq -n --arg d1 "$d1" --arg d2 "$d2" '{expected: {newPodImageIDDigest: $d2, oldPodsImageIDDigest: $d1}}')" "$p3" "$p1" "$p2"
fi

# --- 06 Always on the stale node ---------------------------------------------------------------------------------
pod_manifest app-always "$TAG_REF" Always "$node1" | k apply -f - >/dev/null
wait_running app-always 90 || true
check "06 app-always pulled the NEW digest on $node1" test "$(cs app-always imageID)" == "$REPO@$d2"
check "06 app-always logs say v2" logs_say app-always v2
check "06 app-always event Pulling" has_event app-always Pulling "Pulling image \"$TAG_REF\""
evidence 06-always-pulls-new-digest "Pod with imagePullPolicy Always on $node1: the kubelet pulls, containerd moves the tag to the new image" \
  "$(jq -n --arg d2 "$d2" '{expected: {imageIDDigest: $d2}}')" app-always

# --- 07 old Pods' status after the tag moved inside containerd -------------------------------------------------------
# The kubelet re-reads a container's CRI status only when PLEG sees an event for its pod (or on
# kubelet start), so the periodic pod sync (syncFrequency 1m) alone is not expected to change it.
old_pods=("$p1" "$p2" app-never-cached)
old_view() { for p in "${old_pods[@]}"; do pod_json "$p"; done | jq -s '[.[] | {name, image: .containerStatuses[0].image, imageID: .containerStatuses[0].imageID}]'; }
immediately="$(old_view)"
t=$(kf_now)
image_changed() { [[ "$(cs "$p1" image)" != "$TAG_REF" ]]; }
resync_s=null
if (( resync_wait > 0 )); then
  if kf_wait_until "$resync_wait" "old Pods' status.image to change without a kubelet restart" image_changed; then
    resync_s="$(kf_since "$t")"; kf_log "old Pods' status.image changed after ${resync_s}s: $(cs "$p1" image)"
  else
    kf_log "old Pods' status.image did not change within ${resync_wait}s (no PLEG event for those pods)"
  fi
fi
after_wait="$(old_view)"
for p in "${old_pods[@]}"; do
  check "07 $p still reports the OLD digest in imageID" test "$(cs "$p" imageID)" == "$REPO@$d1"
done
# 07b: restart the kubelet of node 1 -> it re-reads every container's status from containerd
"$KF_NODE_LIB_DIR/restart-kubelet.sh" "$W/nodes/n1"
t=$(kf_now)
kf_wait_until 60 "old Pods' status.image to change after the kubelet restart" image_changed || true
restart_s="$(kf_since "$t")"
after_restart="$(old_view)"
for p in "${old_pods[@]}"; do
  check "07b $p after kubelet restart: status.image is sha256:<old config digest> $c1" test "$(cs "$p" image)" == "$c1"
  check "07b $p after kubelet restart: imageID still $REPO@$d1" test "$(cs "$p" imageID)" == "$REPO@$d1"
done
evidence 07-old-pods-after-tag-moved "the Pods started from the old image, after containerd on $node1 moved the tag $TAG_REF to the new image (app-always pull); first without, then after a kubelet restart on $node1" \
  "$(jq -n --arg c1 "$c1" --arg d1 "$d1" --argjson imm "$immediately" --argjson aw "$after_wait" --argjson ar "$after_restart" --arg rs "$resync_s" --arg w "$resync_wait" --arg rr "$restart_s" \
     '{expected: {imageAfterKubeletRestart: $c1, imageIDDigest: $d1}, immediatelyAfterPull: $imm,
       afterWaitingWithoutRestart: {seconds: ($w|tonumber), statusChangedAfterSeconds: ($rs|tonumber? // null), pods: $aw},
       afterKubeletRestart: {secondsUntilChanged: ($rr|tonumber), pods: $ar}}')" "${old_pods[@]}"

# --- 07c: the old Pod's container restarts (crash, OOM, liveness) -> the kubelet creates the new
# container from whatever the tag means on the node NOW: the new digest, inside the same Pod
cid="$(cs "$p2" containerID)"; cid="${cid#containerd://}"
ctr -a "$(node_sock 1)" -n k8s.io tasks kill -s SIGKILL "$cid" >/dev/null
restarted() { [[ "$(cs "$p2" restartCount)" -ge 1 ]] && pod_running "$p2" && [[ "$(cs "$p2" containerID)" != "containerd://$cid" ]]; }
kf_wait_until 60 "$p2 container restarted" restarted || true
check "07c $p2 container restarted (restartCount $(cs "$p2" restartCount))" restarted
check "07c $p2 restarted container runs the NEW digest: imageID $REPO@$d2" test "$(cs "$p2" imageID)" == "$REPO@$d2"
check "07c $p2 event Pulled 'already present on machine' for the restart" has_event "$p2" Pulled "already present on machine"
evidence 07c-container-restart-picks-new-digest "SIGKILL the container of $p2 (IfNotPresent) on $node1 after the tag moved there: the restarted container uses the image the tag now names on the node" \
  "$(jq -n --arg d2 "$d2" --arg d1 "$d1" '{expected: {imageIDDigestAfterRestart: $d2, imageIDDigestBefore: $d1, restartCount: 1}}')" "$p2"

# --- 08 Never with the image absent --------------------------------------------------------------------------------------
absent="$REG/demo/absent:v1"
pod_manifest app-never-absent "$absent" Never "$node1" | k apply -f - >/dev/null
kf_wait_until 60 "app-never-absent waiting ErrImageNeverPull" waiting_reason_is app-never-absent ErrImageNeverPull || true
check "08 app-never-absent waiting reason ErrImageNeverPull" waiting_reason_is app-never-absent ErrImageNeverPull
check "08 app-never-absent event ErrImageNeverPull" has_event app-never-absent ErrImageNeverPull "is not present with pull policy of Never"
evidence 08-never-absent-errimageneverpull "Pod with imagePullPolicy Never and an image no node has" '{}' app-never-absent

# --- 09 the cure: pin to the current digest ----------------------------------------------------------------------------------
pinned="$TAG_REF@$d2"
k set image deployment/app "app=$pinned" >/dev/null
if ! timeout 150 "$KF_KUBECTL" --kubeconfig "$KUBECONFIG" rollout status deployment/app --timeout=140s >/dev/null; then
  fail "09 rollout of $pinned did not finish"
fi
mapfile -t fixed < <(k get pods -l app=app -o json | jq -r '.items[] | select(.metadata.deletionTimestamp == null) | .metadata.name')
all_new=1
for p in "${fixed[@]}"; do
  [[ "$(cs "$p" imageID)" == "$REPO@$d2" ]] || all_new=0
done
check "09 after pinning to $pinned every app Pod (${#fixed[@]}) runs the NEW digest" test "$all_new" == 1
evidence 09-fix-pin-digest "kubectl set image app=$pinned (what kube-fresh pin/fix writes): a rollout; every Pod runs the current digest" \
  "$(jq -n --arg d2 "$d2" --arg img "$pinned" '{expected: {imageIDDigest: $d2, specImage: $img}}')" "${fixed[@]}"
story_s="$(kf_since "$t_story")"
kf_log "story done in ${story_s}s"
