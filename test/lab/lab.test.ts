// `npm run lab` end to end (scripts/lab.ts): the story ends with every replica current.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LAB_SCRIPT, runCli } from '../support/run-cli.ts';

describe('npm run lab', { timeout: 180_000 }, () => {
  it('replays the story: mixed after a scale-up and a restart, pinned and current after fix', async () => {
    const result = await runCli([], { script: LAB_SCRIPT, env: { HOME: '/nonexistent' } });
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    const out = result.stdout;
    const [beforeFix, afterFix] = out.split('[6/7]');
    assert.ok(beforeFix !== undefined && afterFix !== undefined, out);
    assert.match(beforeFix, /\$ kube-fresh status -n lab -o wide\n/);
    assert.match(
      beforeFix,
      /deployment\/web\s+web\s+\S+\/lab\/web:stable\s+IfNotPresent\s+mixed\s+\w{12}×2 \w{12}×1\s+\w{12}\s+node-a,node-b,node-c\s+node-a,node-b/,
    );
    assert.match(beforeFix, /already present on machine/);
    assert.match(afterFix, /\$ kube-fresh fix -n lab deploy\/web --yes/);
    assert.match(
      afterFix,
      /deployment\/web\s+web\s+\S+\/lab\/web:stable@sha256:\w{64}\s+IfNotPresent\s+pinned\s+\w{12}×3/,
    );
    assert.match(out, /Done in \d+ s\./);
  });
});
