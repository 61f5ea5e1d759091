import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decidePolicy, pollIntervalOf } from './workload-policy.ts';

const w = (annotations: Record<string, string>, labels: Record<string, string> = {}) => ({
  annotations,
  labels,
});

describe('decidePolicy', () => {
  it('takes the workload annotation, then the namespace one, then the default', () => {
    assert.equal(
      decidePolicy(
        w({ 'kube-fresh.io/policy': 'pin' }),
        w({ 'kube-fresh.io/policy': 'off' }),
        'report',
      ).policy,
      'pin',
    );
    assert.equal(
      decidePolicy(w({}), w({ 'kube-fresh.io/policy': 'off' }), 'report').source,
      'namespace',
    );
    assert.deepEqual(decidePolicy(w({}), undefined, 'report').policy, 'report');
  });

  it('ignores an invalid value with a note', () => {
    const d = decidePolicy(w({ 'kube-fresh.io/policy': 'yes' }), undefined, 'report');
    assert.equal(d.policy, 'report');
    assert.match(d.note ?? '', /ignored/);
  });

  it('reports a GitOps-managed workload unless the workload itself says pin', () => {
    const argo = { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:prod/web' };
    const inherited = decidePolicy(w(argo), w({ 'kube-fresh.io/policy': 'pin' }), 'report');
    assert.equal(inherited.policy, 'report');
    assert.equal(inherited.gitOps?.tool, 'Argo CD');
    const byDefault = decidePolicy(
      w({}, { 'kustomize.toolkit.fluxcd.io/name': 'apps' }),
      undefined,
      'pin',
    );
    assert.equal(byDefault.policy, 'report');
    const explicit = decidePolicy(
      w({ ...argo, 'kube-fresh.io/policy': 'pin' }),
      undefined,
      'report',
    );
    assert.equal(explicit.policy, 'pin');
    assert.equal(explicit.gitOps?.tool, 'Argo CD');
  });
});

describe('pollIntervalOf', () => {
  it('reads the annotation as a duration, ignoring invalid values', () => {
    assert.equal(pollIntervalOf(w({ 'kube-fresh.io/poll-interval': '30s' })), 30_000);
    assert.equal(pollIntervalOf(w({ 'kube-fresh.io/poll-interval': 'soon' })), undefined);
    assert.equal(pollIntervalOf(undefined), undefined);
  });
});
