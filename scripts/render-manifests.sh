#!/usr/bin/env bash
# Renders the Helm chart into deploy/kube-fresh.yaml, the plain manifests for clusters without
# Helm (test/packaging/chart.test.ts fails when they drift from the chart). Rendered with
# cert-manager for the webhook's serving certificate, because a certificate generated at render
# time would be a secret committed to git; the image is set with kustomize (deploy/kustomization.yaml).
#   bash scripts/render-manifests.sh [OUT]   (needs helm: bash hack/build-go-tools.sh helm)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
helm="${HELM:-$repo/.cache/tools/bin/helm}"
out="${1:-$repo/deploy/kube-fresh.yaml}"
{
  echo "# Rendered from charts/kube-fresh by scripts/render-manifests.sh; do not edit by hand."
  echo "# Needs cert-manager (the webhook's serving certificate). Install: kubectl apply -k deploy/"
  "$helm" template kube-fresh "$repo/charts/kube-fresh" --namespace kube-fresh \
    --set image.repository=kube-fresh --set webhook.certManager.enabled=true
} >"$out"
echo "$out"
