#!/usr/bin/env bash
# Builds the kube-fresh test control plane from the official Go modules:
#   etcd                      (go.etcd.io/etcd/server/v3, wrapper hack/control-plane/etcd)
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubelet
#                             (k8s.io/kubernetes/cmd/..., wrapper hack/control-plane/k8s)
# into .cache/control-plane/<k8s-version>/bin/ and prints that directory as the
# last line of stdout. Everything else (progress, timing) goes to stderr.
#
# Versions come from the wrapper go.mod files (regenerate them with
# hack/control-plane/gen-wrappers.sh). Toolchain: the machine's Go, never a
# downloaded one (GOTOOLCHAIN=local).
#
# Environment:
#   KUBE_FRESH_CONTROL_PLANE_DIR  use this existing bin dir instead of building
#                                 (must contain all five binaries)
#   GOMODCACHE, GOCACHE           default to .cache/go/{mod,build} in the repo
#   KUBE_FRESH_FORCE_BUILD=1      ignore the stamp and rebuild (Go caches still apply)
#
# Reuse: .cache/control-plane/<ver>/stamp records versions, go version and a hash of
# this script + wrapper go.mod/go.sum files; if it matches and all binaries
# exist, the script prints "cached" (stderr) and the bin dir, and exits.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wrappers="$repo/hack/control-plane"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kubelet)
k8s_cmds=(kube-apiserver kube-controller-manager kube-scheduler kubelet)

log() { printf '[build-control-plane] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- explicit bin dir override --------------------------------------------------
if [[ -n "${KUBE_FRESH_CONTROL_PLANE_DIR:-}" ]]; then
  for b in "${binaries[@]}"; do
    [[ -x "$KUBE_FRESH_CONTROL_PLANE_DIR/$b" ]] || die "KUBE_FRESH_CONTROL_PLANE_DIR=$KUBE_FRESH_CONTROL_PLANE_DIR has no executable $b"
  done
  log "using KUBE_FRESH_CONTROL_PLANE_DIR"
  (cd "$KUBE_FRESH_CONTROL_PLANE_DIR" && pwd)
  exit 0
fi

# --- versions (from the wrapper modules) ---------------------------------------
k8s_version="$(awk '$1=="require" && $2=="k8s.io/kubernetes"{print $3; exit}' "$wrappers/k8s/go.mod")"
etcd_version="$(awk '$1=="require" && $2=="go.etcd.io/etcd/server/v3"{print $3; exit}' "$wrappers/etcd/go.mod")"
[[ "$k8s_version" =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || die "cannot read k8s.io/kubernetes version from $wrappers/k8s/go.mod (got '$k8s_version')"
k8s_major="${BASH_REMATCH[1]}" k8s_minor="${BASH_REMATCH[2]}"
[[ "$etcd_version" =~ ^v3\.[0-9]+\.[0-9]+$ ]] || die "cannot read etcd version from $wrappers/etcd/go.mod (got '$etcd_version')"

out="$repo/.cache/control-plane/$k8s_version"
bin="$out/bin"
stamp="$out/stamp"

# --- Go environment ------------------------------------------------------------
command -v go >/dev/null || die "go not found in PATH"
export GOTOOLCHAIN=local            # fail loudly instead of downloading a toolchain
export GOMODCACHE="${GOMODCACHE:-$repo/.cache/go/mod}"
export GOCACHE="${GOCACHE:-$repo/.cache/go/build}"
export GOFLAGS="${GOFLAGS:-} -mod=readonly -modcacherw"  # -modcacherw: .cache/go can be removed with rm -rf
export CGO_ENABLED=0                # all five binaries are static, see README (kubelet too)
go_version="$(go env GOVERSION)"

script_hash="$(cat "${BASH_SOURCE[0]}" "$wrappers"/k8s/go.mod "$wrappers"/k8s/go.sum \
  "$wrappers"/etcd/go.mod "$wrappers"/etcd/go.sum | sha256sum | cut -d' ' -f1)"
want_stamp="k8s=$k8s_version etcd=$etcd_version go=$go_version cgo=$CGO_ENABLED inputs=$script_hash"

all_present() { local b; for b in "${binaries[@]}"; do [[ -x "$bin/$b" ]] || return 1; done; }

if [[ "${KUBE_FRESH_FORCE_BUILD:-0}" != 1 ]] && all_present && [[ -f "$stamp" && "$(cat "$stamp")" == "$want_stamp" ]]; then
  log "cached: $want_stamp"
  echo "$bin"
  exit 0
fi

mkdir -p "$out" "$GOMODCACHE" "$GOCACHE"
# one build per version dir at a time
exec 9>"$out/.lock"
flock 9
# another process may have finished the build while we waited
if [[ "${KUBE_FRESH_FORCE_BUILD:-0}" != 1 ]] && all_present && [[ -f "$stamp" && "$(cat "$stamp")" == "$want_stamp" ]]; then
  log "cached (built by a concurrent run): $want_stamp"
  echo "$bin"
  exit 0
fi
rm -f "$stamp"
mkdir -p "$bin"

# --- helpers -------------------------------------------------------------------
# Runs "$@" under /usr/bin/time -v and sets: run_wall (s), run_maxrss_kb, run_treepeak_kb.
#  * run_maxrss_kb = "Maximum resident set size" from GNU time, i.e. ru_maxrss of the
#    wait4() rusage of the go command, which on Linux covers its reaped children too:
#    the peak RSS of the single largest process in the tree (usually the linker or
#    the biggest compile), NOT the sum of concurrently running processes.
#  * run_treepeak_kb = peak of the SUM of RSS over the whole process tree, sampled
#    every second from /proc (approximate; captures parallel compiles).
run_measured() {
  local name="$1"; shift
  local tfile; tfile="$(mktemp)"
  local t0 t1
  t0="$(date +%s.%N)"
  /usr/bin/time -v -o "$tfile" "$@" &
  local pid=$! peak=0 sum
  while kill -0 "$pid" 2>/dev/null; do
    sum="$(ps -e -o pid=,ppid=,rss= | awk -v root="$pid" '
      { ppid[$1]=$2; rss[$1]=$3 }
      END { for (p in ppid) { q=p; while (q!="" && q!=0 && q!=1) { if (q==root) { s+=rss[p]; break } q=ppid[q] } } print s+0 }')"
    (( sum > peak )) && peak=$sum
    sleep 1
  done
  local rc=0
  wait "$pid" || rc=$?
  t1="$(date +%s.%N)"
  run_wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')"
  run_maxrss_kb="$(awk -F': ' '/Maximum resident set size/{print $2}' "$tfile")"
  run_treepeak_kb="$peak"
  log "$name: exit=$rc wall=${run_wall}s maxrss(largest process)=$((run_maxrss_kb/1024))MiB tree-sum-peak(sampled)=$((peak/1024))MiB"
  grep -E 'Elapsed|User time|System time|Percent of CPU|Maximum resident' "$tfile" | sed 's/^\s*/    /' >&2 || true
  rm -f "$tfile"
  return "$rc"
}

build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
# size of GOCACHE before the build tells a cold build (~0) from a warm relink (~3 GB)
gocache_kb_before="$(du -sk "$GOCACHE" 2>/dev/null | cut -f1)"
log "k8s.io/kubernetes $k8s_version, go.etcd.io/etcd/server/v3 $etcd_version, $go_version, CGO_ENABLED=$CGO_ENABLED"
log "GOMODCACHE=$GOMODCACHE GOCACHE=$GOCACHE"
log "output: $bin"
total_t0="$(date +%s)"

# --- download modules (separately, so the build timing is compile/link only) ---
dl_t0="$(date +%s)"
(cd "$wrappers/etcd" && go mod download)
(cd "$wrappers/k8s" && go mod download)
download_seconds=$(( $(date +%s) - dl_t0 ))
log "go mod download: ${download_seconds}s"

# --- etcd ----------------------------------------------------------------------
# etcd's only build-time variable is api/v3/version.GitSHA (the version is a
# constant). The module proxy does not tell us the commit, so record the tag.
etcd_ldflags="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=gomod-$etcd_version"
log "building etcd: go build -trimpath -ldflags \"$etcd_ldflags\" -o $bin/etcd go.etcd.io/etcd/server/v3"
cd "$wrappers/etcd"   # not a subshell: run_measured sets variables
run_measured etcd go build -trimpath -ldflags "$etcd_ldflags" -o "$bin/etcd" go.etcd.io/etcd/server/v3
etcd_wall="$run_wall" etcd_maxrss_kb="$run_maxrss_kb" etcd_treepeak_kb="$run_treepeak_kb"

# --- Kubernetes (one invocation: shared packages compile once) -----------------
# Same variables as kube::version::ldflags (hack/lib/version.sh) for both packages.
# gitCommit stays empty: the module proxy does not expose the release commit.
k8s_ldflags="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=$k8s_major -X $pkg.gitMinor=$k8s_minor"
  k8s_ldflags+=" -X $pkg.gitCommit= -X $pkg.gitTreeState=archive -X $pkg.buildDate=$build_date"
done
k8s_pkgs=(); for c in "${k8s_cmds[@]}"; do k8s_pkgs+=("k8s.io/kubernetes/cmd/$c"); done
log "building: go build -trimpath -ldflags \"$k8s_ldflags\" -o $bin/ ${k8s_pkgs[*]}"
cd "$wrappers/k8s"
run_measured kubernetes go build -trimpath -ldflags "$k8s_ldflags" -o "$bin/" "${k8s_pkgs[@]}"
cd "$repo"
k8s_wall="$run_wall" k8s_maxrss_kb="$run_maxrss_kb" k8s_treepeak_kb="$run_treepeak_kb"

total_seconds=$(( $(date +%s) - total_t0 ))

# --- verify ----------------------------------------------------------------------
all_present || die "missing binaries in $bin"
apiserver_version="$("$bin/kube-apiserver" --version 2>&1 | head -1)"
[[ "$apiserver_version" == "Kubernetes $k8s_version" ]] || die "kube-apiserver --version says '$apiserver_version', want 'Kubernetes $k8s_version'"
etcd_reported="$("$bin/etcd" --version 2>&1 | awk -F': ' '/etcd Version/{print $2}')"
[[ "v$etcd_reported" == "$etcd_version" ]] || die "etcd --version says '$etcd_reported', want ${etcd_version#v}"
k8s_godebug="$(go version -m "$bin/kube-apiserver" | awk '$1=="build" && $2 ~ /^DefaultGODEBUG=/{sub(/^DefaultGODEBUG=/, "", $2); print $2}')"
sizes=""
for b in "${binaries[@]}"; do sizes+="$(printf '"%s": %d, ' "$b" "$(stat -c %s "$bin/$b")")"; done
sizes="{${sizes%, }}"

cat > "$out/build-info.json" <<EOF
{
  "kubernetes": "$k8s_version",
  "etcd": "$etcd_version",
  "go": "$go_version",
  "cgo_enabled": $CGO_ENABLED,
  "build_date": "$build_date",
  "host": {"nproc": $(nproc), "mem_total_kb": $(awk '/MemTotal/{print $2}' /proc/meminfo)},
  "gomodcache": "$GOMODCACHE",
  "gocache": "$GOCACHE",
  "gocache_kb_before_build": ${gocache_kb_before:-0},
  "gocache_kb_after_build": $(du -sk "$GOCACHE" | cut -f1),
  "go_mod_download_seconds": $download_seconds,
  "etcd_build": {"wall_seconds": $etcd_wall, "max_rss_kb_largest_process": $etcd_maxrss_kb, "peak_rss_kb_tree_sum_sampled": $etcd_treepeak_kb},
  "kubernetes_build": {"wall_seconds": $k8s_wall, "max_rss_kb_largest_process": $k8s_maxrss_kb, "peak_rss_kb_tree_sum_sampled": $k8s_treepeak_kb},
  "total_wall_seconds": $total_seconds,
  "rss_note": "max_rss_kb_largest_process = GNU time 'Maximum resident set size' of go build (wait4 rusage incl. reaped children: the single largest process, e.g. the linker). peak_rss_kb_tree_sum_sampled = max over 1 s samples of the summed RSS of the whole go build process tree.",
  "kube_apiserver_version": "$apiserver_version",
  "kube_apiserver_default_godebug": "${k8s_godebug}",
  "binary_sizes_bytes": $sizes
}
EOF
echo "$want_stamp" > "$stamp"
log "done in ${total_seconds}s (download ${download_seconds}s, etcd ${etcd_wall}s, kubernetes ${k8s_wall}s); info: $out/build-info.json"
echo "$bin"
