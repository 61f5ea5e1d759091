# shellcheck shell=bash
# Shared helpers for the real-node scripts in hack/node/. Source it; do not run it.
#
# Conventions
#   * Every long-running process is started with `kf_daemon NAME DIR CMD...`: it runs in its
#     own session (setsid), logs to DIR/NAME.log and its PID goes to DIR/NAME.pid together with
#     the absolute path of the binary, so that a stop script can check the PID still belongs
#     to that binary before it signals it (PID reuse).
#   * Every wait has a deadline (`kf_wait_until SECONDS DESCRIPTION CMD...`).
#   * Nothing but loopback (and addresses these scripts add to `lo`) is contacted.

KF_NODE_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KF_REPO="$(cd "$KF_NODE_LIB_DIR/../.." && pwd)"

: "${KF_LOG_PREFIX:=kf-node}"
_kf_t0="$(date +%s.%N)"
kf_now() { date +%s.%N; }
kf_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}'; }
kf_log() { printf '[%s %6.1fs] %s\n' "$KF_LOG_PREFIX" "$(kf_since "$_kf_t0")" "$*" >&2; }
kf_die() { kf_log "FAIL: $*"; exit 1; }

# kf_wait_until TIMEOUT_S DESCRIPTION CMD... : polls CMD every 0.2 s until it succeeds.
# Optional: KF_WAIT_ALIVE_PID=<pid> makes the wait fail at once if that process died.
kf_wait_until() {
  local timeout="$1" what="$2"; shift 2
  local deadline; deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    if [[ -n "${KF_WAIT_ALIVE_PID:-}" ]] && ! kf_alive "$KF_WAIT_ALIVE_PID"; then
      kf_log "process $KF_WAIT_ALIVE_PID exited while waiting for: $what"
      return 1
    fi
    if (( $(date +%s) >= deadline )); then
      kf_log "timed out after ${timeout}s waiting for: $what"
      return 1
    fi
    sleep 0.2
  done
}

# kf_alive PID : true while PID exists and is not a zombie. On this machine PID 1 reaps
# re-parented orphans only every ~2 s, so `kill -0` alone reports dead daemons as alive.
kf_alive() {
  local st
  [[ -r "/proc/$1/stat" ]] || return 1
  st="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$st" && "$st" != Z && "$st" != X ]]
}

# --- host-wide claims: ports and node IP prefixes ---------------------------------------------
# Several clusters may start at the same time (parallel test files, other engineers). A value one
# run picks (a port, an IP prefix) is only visible to the others once it is bound or added, seconds
# later, so every pick is also recorded, under a lock, in a host-wide claims file. A claim expires
# after KF_CLAIM_TTL seconds: by then the port is bound (and `ss` shows it) or the run is gone.
# The file lives in /run (tmpfs: gone after a reboot, like every claim it records).
KF_HOST_STATE_DIR="${KF_HOST_STATE_DIR:-/run/kube-fresh-node}"
: "${KF_CLAIM_TTL:=300}"

# kf_claim KIND VALUE : records the claim and succeeds, or fails when a live claim holds VALUE.
kf_claim() {
  mkdir -p "$KF_HOST_STATE_DIR"
  local f="$KF_HOST_STATE_DIR/claims" now; now="$(date +%s)"
  (
    flock -w 30 8 || exit 1
    touch "$f"
    awk -v now="$now" -v ttl="$KF_CLAIM_TTL" '$3 + ttl > now' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
    if awk -v k="$1" -v v="$2" '$1 == k && $2 == v { found = 1 } END { exit !found }' "$f"; then exit 1; fi
    echo "$1 $2 $now" >>"$f"
  ) 8>"$KF_HOST_STATE_DIR/claims.lock"
}

# kf_free_port : a loopback TCP port nobody uses or claimed, below the kernel's ephemeral range
# (net.ipv4.ip_local_port_range, 32768-60999 by default). A port inside that range can be the
# local end of any outgoing connection, which `ss -l` does not list; that once made the
# scheduler fail with "bind: address already in use". Safe in $(...) subshells: the claim is
# recorded in the host-wide file, not in a shell variable.
kf_free_port() {
  local low high p
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  if (( low > 21000 )); then high=$(( low - 1 )); else low=20000; high=45000; fi
  while :; do
    p=$(( 20000 + RANDOM % (high - 20000 + 1) ))
    [[ -n "$(ss -Htan "( sport = :$p )")" ]] && continue
    kf_claim port "$p" || continue
    echo "$p"; return
  done
}

# --- processes -----------------------------------------------------------------------------
# kf_daemon NAME DIR CMD... : start CMD detached (own session, stdin /dev/null), log DIR/NAME.log,
# pid file DIR/NAME.pid ("<pid> <exe>"). Prints the PID.
kf_daemon() {
  local name="$1" dir="$2"; shift 2
  local exe; exe="$(readlink -f "$(command -v "$1")")"
  { printf '[%s] command line:' "$name"; printf ' %q' "$@"; echo; } >>"$dir/commands.txt"
  setsid "$@" </dev/null >"$dir/$name.log" 2>&1 &
  local pid=$!
  echo "$pid $exe" >"$dir/$name.pid"
  echo "$pid"
}

# kf_pid_matches PID EXE : the process PID still runs EXE.
kf_pid_matches() {
  local exe; exe="$(readlink -f "/proc/$1/exe" 2>/dev/null || true)"
  [[ "$exe" == "$2" || "$exe" == "$2 (deleted)" ]]
}

# kf_stop_pidfile FILE [TIMEOUT_S] : SIGTERM, wait, SIGKILL. Removes FILE.
kf_stop_pidfile() {
  local f="$1" timeout="${2:-15}" pid exe
  [[ -f "$f" ]] || return 0
  read -r pid exe <"$f" || true
  if [[ -n "$pid" ]] && kf_alive "$pid" && kf_pid_matches "$pid" "$exe"; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$(( $(date +%s) + timeout ))
    while kf_alive "$pid" && (( $(date +%s) < deadline )); do sleep 0.1; done
    if kf_alive "$pid"; then
      kf_log "$(basename "$f" .pid) (pid $pid) ignored SIGTERM for ${timeout}s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$(( $(date +%s) + 5 ))
      while kf_alive "$pid" && (( $(date +%s) < deadline )); do sleep 0.1; done
    fi
  fi
  rm -f "$f"
}

# kf_pids_with_arg STRING : PIDs (excluding this shell) whose command line contains STRING.
kf_pids_with_arg() {
  local d pid
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
    if { tr '\0' ' ' <"$d/cmdline"; } 2>/dev/null | grep -F -- "$1" >/dev/null; then echo "$pid"; fi
  done
}

# --- mounts --------------------------------------------------------------------------------
# kf_unmount_under DIR : unmount every mount point at or below DIR, deepest first (lazy as a
# last resort). Mount points are read from /proc/self/mountinfo (field 5, octal-escaped).
kf_unmount_under() {
  local dir; dir="$(readlink -f "$1" 2>/dev/null || echo "$1")"
  local pass mp left
  for pass in 1 2 3; do
    left=0
    while IFS= read -r mp; do
      [[ -z "$mp" ]] && continue
      left=1
      umount "$mp" 2>/dev/null || { (( pass == 3 )) && umount -l "$mp" 2>/dev/null; } || true
    done < <(awk -v d="$dir" '{ mp=$5; gsub(/\\040/," ",mp); if (mp==d || index(mp, d"/")==1) print length(mp) " " mp }' /proc/self/mountinfo | sort -rn | cut -d' ' -f2-)
    (( left )) || return 0
  done
  awk -v d="$dir" '{ mp=$5; if (mp==d || index(mp, d"/")==1) n++ } END { exit n>0 }' /proc/self/mountinfo
}

# --- certificates (openssl) ------------------------------------------------------------------
# kf_pki_init DIR : CA (1 day) in DIR/ca.{crt,key}
kf_pki_init() {
  local pki="$1"; mkdir -p "$pki"
  openssl req -x509 -new -nodes -newkey rsa:2048 -keyout "$pki/ca.key" -out "$pki/ca.crt" \
    -subj "/CN=kube-fresh-test-ca" -days 1 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>>"$pki/openssl.log"
}
# kf_pki_sign DIR NAME SUBJECT EXTENSIONS : DIR/NAME.{crt,key} signed by DIR/ca
kf_pki_sign() {
  local pki="$1" name="$2" subj="$3" ext="$4"
  openssl req -new -nodes -newkey rsa:2048 -keyout "$pki/$name.key" -out "$pki/$name.csr" -subj "$subj" 2>>"$pki/openssl.log"
  printf '%s\n' "$ext" >"$pki/$name.ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 1 -sha256 -extfile "$pki/$name.ext" -out "$pki/$name.crt" 2>>"$pki/openssl.log"
}
KF_CLIENT_EXT=$'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'

# kf_kubeconfig OUT SERVER CA CRT KEY USER
kf_kubeconfig() {
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kube-fresh
  cluster:
    server: $2
    certificate-authority-data: $(base64 -w0 "$3")
users:
- name: $6
  user:
    client-certificate-data: $(base64 -w0 "$4")
    client-key-data: $(base64 -w0 "$5")
contexts:
- name: kube-fresh
  context: {cluster: kube-fresh, user: $6}
current-context: kube-fresh
EOF
}

# --- cgroups (v1 hybrid or v2) ------------------------------------------------------------------
kf_cgroup_mode() { # prints v1 or v2
  if [[ "$(stat -fc %T /sys/fs/cgroup)" == cgroup2fs ]]; then echo v2; else echo v1; fi
}
# kf_cgroup_v1_dirs NAME : /sys/fs/cgroup/<each v1 hierarchy>/NAME
kf_cgroup_v1_dirs() {
  local h
  for h in /sys/fs/cgroup/*/; do
    h="${h%/}"
    [[ "$(basename "$h")" == unified ]] && continue
    [[ -L "$h" ]] && continue  # cpu -> cpu,cpuacct style symlinks
    [[ -f "$h/cgroup.procs" ]] || continue
    echo "$h/$1"
  done
}
# kf_cgroup_create NAME : create /NAME in every hierarchy (cpuset: copy cpus/mems from the root)
kf_cgroup_create() {
  local name="$1" d
  if [[ "$(kf_cgroup_mode)" == v2 ]]; then
    mkdir -p "/sys/fs/cgroup/$name"; return
  fi
  while read -r d; do
    mkdir -p "$d"
    if [[ -f "$d/cpuset.cpus" ]]; then
      [[ -n "$(cat "$d/cpuset.cpus")" ]] || cat "$(dirname "$d")/cpuset.cpus" >"$d/cpuset.cpus"
      [[ -n "$(cat "$d/cpuset.mems")" ]] || cat "$(dirname "$d")/cpuset.mems" >"$d/cpuset.mems"
    fi
  done < <(kf_cgroup_v1_dirs "$name")
}
# kf_cgroup_remove NAME : kill what is left inside, then rmdir depth first. Returns 1 if a dir stays.
kf_cgroup_remove() {
  local name="$1" roots=() r d pid ok=0
  if [[ "$(kf_cgroup_mode)" == v2 ]]; then roots=("/sys/fs/cgroup/$name"); else mapfile -t roots < <(kf_cgroup_v1_dirs "$name"); fi
  for r in "${roots[@]}"; do
    [[ -d "$r" ]] || continue
    # processes still in the tree (should be none after a clean stop)
    while read -r pid; do
      [[ -n "$pid" ]] && { kf_log "cgroup $r still has pid $pid ($(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | cut -c1-80)); SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
    done < <(find "$r" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
  done
  sleep 0.1
  for r in "${roots[@]}"; do
    [[ -d "$r" ]] || continue
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
      find "$r" -depth -type d -exec rmdir {} \; 2>/dev/null || true
      [[ -d "$r" ]] || break
      sleep 0.3
    done
    [[ -d "$r" ]] && { kf_log "could not remove cgroup $r"; ok=1; }
  done
  return "$ok"
}

# --- kernel tunables the kubelet rewrites (setupKernelTunables) ------------------------------
# Clusters can overlap, and each kubelet rewrites these on start. A per-run save/restore would let
# the second cluster save the first kubelet's values and restore those at the end. So the runs
# share one record: the first live run saves the host's values in $KF_HOST_STATE_DIR/sysctl.saved,
# each run registers in sysctl-users/, and the last one to leave restores them. A registered run
# whose work dir is gone, or that has no live process (its cluster-up, or anything whose command
# line names its work dir), is dropped (a crashed run must not keep the values forever).
KF_KUBELET_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
kf_sysctl_save() { local k; for k in "${KF_KUBELET_SYSCTLS[@]}"; do echo "$k=$(sysctl -n "$k")"; done >"$1"; }
kf_sysctl_restore() { [[ -f "$1" ]] || return 0; local kv; while read -r kv; do sysctl -qw "$kv" >/dev/null 2>&1 || true; done <"$1"; }
_kf_sysctl_user_file() { echo "$KF_HOST_STATE_DIR/sysctl-users/$(printf '%s' "$1" | sha256sum | cut -c1-16)"; }
_kf_sysctl_prune() {
  local f w pid
  for f in "$KF_HOST_STATE_DIR"/sysctl-users/*; do
    [[ -f "$f" ]] || continue
    read -r w pid <"$f" || true
    if [[ -n "$w" && -d "$w" ]] && { { [[ -n "$pid" ]] && kf_alive "$pid"; } || [[ -n "$(kf_pids_with_arg "$w/")" ]]; }; then continue; fi
    kf_log "dropping the kernel-tunable registration of $w (no live process)"
    rm -f "$f"
  done
}
_kf_sysctl_users() { find "$KF_HOST_STATE_DIR/sysctl-users" -type f 2>/dev/null | wc -l; }
# kf_sysctl_acquire WORK PID : registers the run (PID = its cluster-up); saves the host's values
# when no other run is live. Also copies them to WORK/sysctl.saved (a record for humans).
kf_sysctl_acquire() {
  mkdir -p "$KF_HOST_STATE_DIR/sysctl-users"
  (
    flock -w 60 8 || { kf_log "could not lock $KF_HOST_STATE_DIR/sysctl.lock"; exit 1; }
    _kf_sysctl_prune
    if (( $(_kf_sysctl_users) == 0 )) || [[ ! -f "$KF_HOST_STATE_DIR/sysctl.saved" ]]; then
      kf_sysctl_save "$KF_HOST_STATE_DIR/sysctl.saved"
    fi
    echo "$1 $2" >"$(_kf_sysctl_user_file "$1")"
  ) 8>"$KF_HOST_STATE_DIR/sysctl.lock" || return 1
  cp "$KF_HOST_STATE_DIR/sysctl.saved" "$1/sysctl.saved"
}
# kf_sysctl_release WORK : unregisters the run; restores the host's values when it was the last.
kf_sysctl_release() {
  mkdir -p "$KF_HOST_STATE_DIR/sysctl-users"
  (
    flock -w 60 8 || { kf_log "could not lock $KF_HOST_STATE_DIR/sysctl.lock"; exit 1; }
    rm -f "$(_kf_sysctl_user_file "$1")"
    _kf_sysctl_prune
    local others; others="$(_kf_sysctl_users)"
    if (( others > 0 )); then
      kf_log "kernel tunables left to the $others other live cluster(s); the last one restores them"
    elif [[ -f "$KF_HOST_STATE_DIR/sysctl.saved" ]]; then
      kf_sysctl_restore "$KF_HOST_STATE_DIR/sysctl.saved"; rm -f "$KF_HOST_STATE_DIR/sysctl.saved"
    else
      kf_sysctl_restore "$1/sysctl.saved"  # a run from before the shared record
    fi
  ) 8>"$KF_HOST_STATE_DIR/sysctl.lock"
}

# --- the API server, without kubectl ---------------------------------------------------------------
# The scripts talk to the API with curl and the admin client certificate, so that kubectl is not a
# requirement (only smoke-real-node.sh, whose point is to prove the story with kubectl, needs it).
# kf_api METHOD PATH [BODY] : needs KF_API_SERVER and KF_PKI (admin.crt/key, ca.crt); PATCH is a
# JSON merge patch. Prints the answer; fails on an HTTP error or after 10 s.
kf_api() {
  local method="$1" path="$2" body="${3:-}" type=application/json
  [[ "$method" == PATCH ]] && type=application/merge-patch+json
  local args=(-fsS --max-time 10 --cacert "$KF_PKI/ca.crt" --cert "$KF_PKI/admin.crt" --key "$KF_PKI/admin.key"
    -X "$method" -H "Accept: application/json")
  [[ -n "$body" ]] && args+=(-H "Content-Type: $type" --data "$body")
  curl "${args[@]}" "$KF_API_SERVER$path"
}
# kf_cordon NODE : spec.unschedulable=true, as `kubectl cordon` does
kf_cordon() { kf_api PATCH "/api/v1/nodes/$1" '{"spec":{"unschedulable":true}}' >/dev/null; }

# --- kubectl (optional: smoke-real-node.sh, and KF_KUBECTL in cluster.env for people) -------------
kf_pick_kubectl() {
  if [[ -n "${KUBECTL:-}" ]]; then echo "$KUBECTL"; return; fi
  local k
  for k in /usr/lib/google-cloud-sdk/bin/kubectl.1.35 /usr/lib/google-cloud-sdk/bin/kubectl.1.34 /usr/lib/google-cloud-sdk/bin/kubectl.1.33; do
    [[ -x "$k" ]] && { echo "$k"; return; }
  done
  command -v kubectl || kf_die "kubectl not found (set KUBECTL)"
}
