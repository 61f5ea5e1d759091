import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectivePullPolicy } from '../../core/pull-policy.ts';
import { fixOptionsFor } from './fix-options.ts';
import type { WorkloadContainerReport } from '../workload-report.ts';

const CURRENT = 'sha256:' + 'c'.repeat(64);

function report(image: string, kind = 'Deployment'): WorkloadContainerReport {
  return {
    namespace: 'shop',
    workload: { kind, name: 'web', apiVersion: 'apps/v1', namespace: 'shop', uid: 'u1' },
    container: 'app',
    containerKind: 'regular',
    image,
    familiarImage: image,
    policy: effectivePullPolicy(image),
    verdict: 'stale',
    current: CURRENT,
    running: [],
    replicas: [],
    nodeRisks: [],
  };
}

describe('explain: the fixes it advises', () => {
  it('names the pinned image exactly as pin and fix write it (the name as written)', () => {
    const options = fixOptionsFor(report('docker.io/library/nginx'));
    const live = options.find((o) => o.strategy === 'pin-live');
    assert.match(live?.effect ?? '', new RegExp(`docker\\.io/library/nginx:latest@${CURRENT}`));
    const git = options.find((o) => o.strategy === 'pin-in-git');
    assert.match(
      git?.command ?? '',
      new RegExp(`image: docker\\.io/library/nginx:latest@${CURRENT}`),
    );
  });

  it('offers live fixes only for the kinds fix patches', () => {
    assert.ok(fixOptionsFor(report('nginx:1.27', 'Job')).some((o) => o.strategy === 'recreate'));
    assert.ok(
      fixOptionsFor(report('nginx:1.27', 'Rollout')).some((o) => o.strategy === 'pin-live'),
    );
  });
});
