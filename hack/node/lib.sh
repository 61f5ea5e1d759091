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

# --- free loopback ports -------------------------------------------------------------
# Random port in 20000-45000 that nothing listens on and that this process has not handed out.
_kf_used_ports=" "
kf_free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 25000 ))
    [[ "$_kf_used_ports" == *" $p "* ]] && continue
    [[ -n "$(ss -Hltn "sport = :$p")" ]] && continue
    _kf_used_ports+="$p "
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
KF_KUBELET_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
kf_sysctl_save() { local k; for k in "${KF_KUBELET_SYSCTLS[@]}"; do echo "$k=$(sysctl -n "$k")"; done >"$1"; }
kf_sysctl_restore() { [[ -f "$1" ]] || return 0; local kv; while read -r kv; do sysctl -qw "$kv" >/dev/null 2>&1 || true; done <"$1"; }

# --- kubectl --------------------------------------------------------------------------------------
kf_pick_kubectl() {
  if [[ -n "${KUBECTL:-}" ]]; then echo "$KUBECTL"; return; fi
  local k
  for k in /usr/lib/google-cloud-sdk/bin/kubectl.1.35 /usr/lib/google-cloud-sdk/bin/kubectl.1.34 /usr/lib/google-cloud-sdk/bin/kubectl.1.33; do
    [[ -x "$k" ]] && { echo "$k"; return; }
  done
  command -v kubectl || kf_die "kubectl not found (set KUBECTL)"
}
