import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gitOpsManagerOf } from './gitops-management.ts';

const of = (labels: Record<string, string>, annotations: Record<string, string> = {}) =>
  gitOpsManagerOf({ labels, annotations });

describe('gitOpsManagerOf', () => {
  it('recognises Argo CD by its tracking annotation or instance label', () => {
    assert.deepEqual(
      of({}, { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:prod/web' }),
      {
        tool: 'Argo CD',
        source: 'application shop',
      },
    );
    assert.deepEqual(
      of({}, { 'argocd.argoproj.io/tracking-id': 'argocd_shop:apps/Deployment:prod/web' }),
      {
        tool: 'Argo CD',
        source: 'application argocd/shop',
      },
    );
    assert.deepEqual(of({ 'argocd.argoproj.io/instance': 'shop' }), {
      tool: 'Argo CD',
      source: 'application shop',
    });
  });

  it('recognises Flux Kustomizations and HelmReleases', () => {
    assert.deepEqual(
      of({
        'kustomize.toolkit.fluxcd.io/name': 'apps',
        'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
      }),
      { tool: 'Flux', source: 'Kustomization flux-system/apps' },
    );
    assert.deepEqual(of({ 'helm.toolkit.fluxcd.io/name': 'web' }), {
      tool: 'Flux',
      source: 'HelmRelease web',
    });
  });

  it('does not take the Helm-wide app.kubernetes.io/instance label alone for Argo CD', () => {
    assert.equal(
      of({ 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/managed-by': 'Helm' }),
      undefined,
    );
  });
});
