#!/usr/bin/env bash
# Can a real node (containerd + kubelet) run on this machine? Checks without starting anything
# except a throwaway cgroup and a throwaway /32 on lo (both removed at once).
#
#   preflight.sh [--json]
#
# Exit 0 and "real-node: available" when every requirement is met; exit 1 and
# "real-node: unavailable: <reason>; <reason>..." otherwise. --json prints
# {"available": bool, "reasons": [...], "warnings": [...], "cgroup": "v1|v2", "kubelet": path|null}.
# Does not build or install anything: hack/node/install-node-deps.sh installs the packages,
# hack/build-control-plane.sh builds the kubelet (about 5 minutes cold).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
reasons=(); warnings=()

[[ $(id -u) -eq 0 ]] || reasons+=("not root")
for b in containerd containerd-shim-runc-v2 runc ctr docker-registry skopeo umoci ip jq openssl curl ss setsid; do
  command -v "$b" >/dev/null || reasons+=("$b missing (hack/node/install-node-deps.sh)")
done
for p in bridge host-local loopback; do [[ -x /usr/lib/cni/$p ]] || reasons+=("/usr/lib/cni/$p missing (containernetworking-plugins)"); done
[[ -x /bin/busybox ]] || reasons+=("/bin/busybox missing (busybox-static)")
kf_pick_kubectl >/dev/null 2>&1 || warnings+=("kubectl missing: only smoke-real-node.sh needs it")

kubelet=""
if [[ -n "${KUBE_FRESH_CONTROL_PLANE_DIR:-}" ]]; then kubelet="$KUBE_FRESH_CONTROL_PLANE_DIR/kubelet"
else kubelet="$(ls -1d "$KF_REPO"/.cache/control-plane/v*/bin/kubelet 2>/dev/null | sort -V | tail -n1)"; fi
[[ -n "$kubelet" && -x "$kubelet" ]] || { reasons+=("kubelet not built yet (hack/build-control-plane.sh)"); kubelet=""; }

cg="$(kf_cgroup_mode)"
if [[ "$cg" == v1 ]]; then
  for s in cpu cpuacct cpuset memory pids; do [[ -d /sys/fs/cgroup/$s ]] || reasons+=("cgroup v1 hierarchy $s not mounted"); done
  warnings+=("cgroup v1: kubelet 1.35 needs failCgroupV1=false (set by start-node.sh)")
else
  ctrls="$(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null)"
  for s in cpu cpuset memory pids; do [[ " $ctrls " == *" $s "* ]] || reasons+=("cgroup v2 controller $s not available"); done
fi
probe="kubefresh-preflight-$$"
if ( kf_cgroup_create "$probe" ) 2>/dev/null; then kf_cgroup_remove "$probe" 2>/dev/null || warnings+=("could not remove probe cgroup /$probe")
else reasons+=("cannot create cgroups (read-only /sys/fs/cgroup?)"); kf_cgroup_remove "$probe" >/dev/null 2>&1; fi
grep -qw overlay /proc/filesystems || warnings+=("no overlay filesystem: the native snapshotter is used")
[[ -e /dev/kmsg ]] || reasons+=("/dev/kmsg missing (the kubelet's OOM watcher needs it)")
cap_eff="$(awk '/^CapEff:/{print $2}' /proc/self/status)"
(( (16#$cap_eff >> 21) & 1 )) || reasons+=("no CAP_SYS_ADMIN")
(( (16#$cap_eff >> 24) & 1 )) || warnings+=("no CAP_SYS_RESOURCE: containerd runs with restrict_oom_score_adj=true (pods get oom_score_adj >= 0)")
# A random probe address: preflights run in parallel (test files start together), and one that
# another probe holds right now is not a failure. cluster-up.sh never uses 10.254.254.x.
lo_ok=0
for _ in 1 2 3 4 5; do
  a="10.254.254.$(( 1 + RANDOM % 250 ))/32"
  if ip addr add "$a" dev lo 2>/dev/null; then
    lo_ok=1; ip addr del "$a" dev lo 2>/dev/null || warnings+=("could not remove probe address $a from lo"); break
  fi
  [[ "$(ip -o addr show dev lo)" == *" inet $a "* ]] || break  # a real failure, not a collision
done
(( lo_ok )) || reasons+=("cannot add an address to lo")
[[ -z "$(swapon --show=NAME --noheadings 2>/dev/null)" ]] || warnings+=("swap on: failSwapOn=false is set")

if [[ "${1:-}" == --json ]]; then
  jq -n --argjson ok "$([[ ${#reasons[@]} -eq 0 ]] && echo true || echo false)" --arg cg "$cg" --arg kubelet "$kubelet" \
    --argjson r "$(printf '%s\n' "${reasons[@]:-}" | jq -R . | jq -s 'map(select(length>0))')" \
    --argjson w "$(printf '%s\n' "${warnings[@]:-}" | jq -R . | jq -s 'map(select(length>0))')" \
    '{available: $ok, reasons: $r, warnings: $w, cgroup: $cg, kubelet: (if $kubelet == "" then null else $kubelet end)}'
else
  for w in "${warnings[@]:-}"; do [[ -n "$w" ]] && echo "warning: $w" >&2; done
  if (( ${#reasons[@]} )); then echo "real-node: unavailable: $(IFS=';'; echo "${reasons[*]}")"; else echo "real-node: available"; fi
fi
(( ${#reasons[@]} == 0 ))
