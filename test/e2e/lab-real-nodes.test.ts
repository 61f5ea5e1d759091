// `npm run lab -- --real-nodes` end to end (scripts/lab.ts): the lab's story on 2 real nodes, and
// exit 3 with the preflight's reason where real nodes cannot run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findHostLeftovers } from '../../harness/real-node-host.ts';
import { realNodeGate, runLabWithDeadline } from '../support/real-nodes.ts';
import { LAB_SCRIPT, runCli } from '../support/run-cli.ts';

const gate = await realNodeGate();

describe('npm run lab -- --real-nodes', () => {
  it(
    'replays the story on real kubelets: mixed after a scale-up and a restart, pinned and current after fix, host clean',
    { skip: gate.skip, timeout: 300_000 },
    async () => {
      gate.assertAvailable();
      const result = await runLabWithDeadline(['--real-nodes'], {
        env: { HOME: '/nonexistent' },
        timeoutMs: 240_000,
      });
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      const out = result.stdout;
      const [beforeFix, afterFix] = out.split('[6/7]');
      assert.ok(beforeFix !== undefined && afterFix !== undefined, out);
      assert.match(beforeFix, /nodes kf-node-1 \(10\.254\.\d+\.1\), kf-node-2 \(10\.254\.\d+\.2\)/);
      assert.match(beforeFix, /\$ kube-fresh status -n lab -o wide\n/);
      // One replica per node: kf-node-1 restarted on its cached v1, kf-node-2 pulled v2.
      assert.match(
        beforeFix,
        /deployment\/web\s+web\s+\S+\/lab\/web:stable\s+IfNotPresent\s+mixed\s+(\w{12})×1 (?!\1)\w{12}×1\s+\w{12}\s+kf-node-1,kf-node-2\s+kf-node-1\n/,
      );
      assert.match(
        beforeFix,
        /Pulled: Container image "\S+\/lab\/web:stable" already present on machine/,
      );
      assert.match(afterFix, /\$ kube-fresh fix -n lab deploy\/web --yes/);
      assert.match(
        afterFix,
        /deployment\/web\s+web\s+\S+\/lab\/web:stable@sha256:\w{64}\s+IfNotPresent\s+pinned\s+\w{12}×2/,
      );
      assert.match(out, /Done in \d+ s\./);
      assert.match(out, /the real nodes are stopped and the host is clean/);
      // And independently of cluster-down.sh's own checks:
      const work = /work dir (\/\S+), run (\w+)/.exec(out);
      const prefix = /\((10\.254\.\d+)\.1\)/.exec(out)?.[1];
      assert.ok(work?.[1] !== undefined && work[2] !== undefined && prefix !== undefined, out);
      const leftovers = findHostLeftovers({
        work: work[1],
        runId: work[2],
        nodeIpPrefix: prefix,
        tunablesBefore: undefined,
      });
      assert.deepEqual(leftovers.problems, []);
    },
  );

  it('exits 3 with the preflight reason when real nodes cannot run here', async () => {
    // An empty control-plane dir: no kubelet, so preflight.sh says so whatever else this machine has.
    const result = await runCli(['--real-nodes'], {
      script: LAB_SCRIPT,
      env: { HOME: '/nonexistent', KUBE_FRESH_CONTROL_PLANE_DIR: '/nonexistent' },
    });
    assert.equal(result.code, 3, `${result.stdout}\n${result.stderr}`);
    assert.match(
      result.stderr,
      /real nodes cannot run on this machine: .*kubelet not built yet \(hack\/build-control-plane\.sh\)/,
    );
    assert.match(result.stderr, /Without --real-nodes the lab uses stand-in kubelets/);
    assert.doesNotMatch(result.stdout, /\[1\/7\]/, 'nothing was started');
  });
});
