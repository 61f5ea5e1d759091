#!/usr/bin/env bash
# Builds the Go tools the tests and benchmarks use, from their Go modules, with the machine's Go
# (GOTOOLCHAIN=local), into .cache/tools/bin/ — cached like the control plane:
#   kubectl  k8s.io/kubectl at the control plane's version (hack/go-tools/kubectl: its 5-line main)
#   krew     sigs.k8s.io/krew/cmd/krew                    (krew plugin install test)
#   helm     helm.sh/helm/v4/cmd/helm                     (chart lint/template/install tests)
#   crane    github.com/google/go-containerregistry/cmd/crane   (a bench/resolve baseline; built only when named:
#            bash hack/build-go-tools.sh crane)
# Prints the bin dir as the last line of stdout. A tool is rebuilt only when its version changes.
#   bash hack/build-go-tools.sh [TOOL…]     (default: kubectl krew helm)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$repo/.cache/tools/bin"
declare -A modules=(
  [krew]="sigs.k8s.io/krew/cmd/krew@v0.4.3"
  [helm]="helm.sh/helm/v4/cmd/helm@v4.3.2"
  [crane]="github.com/google/go-containerregistry/cmd/crane@v0.22.1"
)
log() { printf '[build-go-tools] %s\n' "$*" >&2; }

export GOTOOLCHAIN=local
export GOMODCACHE="${GOMODCACHE:-$repo/.cache/go/mod}"
export GOCACHE="${GOCACHE:-$repo/.cache/go/build}"
export GOFLAGS="-modcacherw"
export CGO_ENABLED=0
mkdir -p "$bin"
exec 9>"$bin/.lock"
flock 9

kubectl_dir="$repo/hack/go-tools/kubectl"
kubectl_version="$(awk '$1=="k8s.io/kubectl"{print $2; exit}' "$kubectl_dir/go.mod")"
tools=("$@")
((${#tools[@]} > 0)) || tools=(kubectl krew helm)
for tool in "${tools[@]}"; do
  if [[ $tool == kubectl ]]; then want="k8s.io/kubectl@$kubectl_version $(sha256sum "$kubectl_dir/go.sum" | cut -c1-12)"; else want="${modules[$tool]:-}"; fi
  [[ -n $want ]] || { log "unknown tool $tool"; exit 2; }
  stamp="$bin/.$tool.stamp"
  if [[ -x "$bin/$tool" && -f $stamp && "$(cat "$stamp")" == "$want $(go env GOVERSION)" ]]; then
    log "$tool cached ($want)"
    continue
  fi
  started=$(date +%s)
  if [[ $tool == kubectl ]]; then
    # k8s.io/kubernetes has replace directives, so `go install …/cmd/kubectl@v` refuses it; a
    # small module with the same main and a committed go.sum builds it instead.
    git_version="v1.${kubectl_version#v0.}" # k8s.io/kubectl v0.35.4 is kubectl v1.35.4
    (cd "$kubectl_dir" && go build -mod=readonly -trimpath -ldflags "-s -w \
      -X k8s.io/component-base/version.gitVersion=$git_version \
      -X k8s.io/client-go/pkg/version.gitVersion=$git_version" -o "$bin/kubectl" .)
  else
    # helm reports its version from a linker variable (a plain build says "v4.3").
    extra=""
    [[ $tool == helm ]] && extra="-X helm.sh/helm/v4/internal/version.version=${want##*@}"
    GOBIN="$bin" go install -trimpath -ldflags "-s -w $extra" "$want"
  fi
  echo "$want $(go env GOVERSION)" >"$stamp"
  log "$tool built in $(($(date +%s) - started)) s ($want)"
done
echo "$bin"
