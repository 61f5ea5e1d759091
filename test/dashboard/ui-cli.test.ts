// `kube-fresh ui`'s command line (built binary); the dashboard itself: dashboard-browser.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../support/run-cli.ts';

describe('kube-fresh ui command line', () => {
  it('documents the dashboard, the loopback default and the registry flags in --help', async () => {
    const result = await runCli(['ui', '--help']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /--listen <HOST:PORT>\s+address to serve on.*\(default: "127\.0\.0\.1:8787"\)/s,
    );
    assert.match(result.stdout, /-A, --all-namespaces/);
    assert.match(result.stdout, /--insecure-registry/);
    assert.match(result.stdout, /Read-only/);
  });

  it('rejects a malformed --listen before touching the cluster (exit 2)', async () => {
    const result = await runCli(['ui', '--listen', 'nowhere', '--kubeconfig', '/nonexistent']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--listen "nowhere" is not HOST:PORT/);
  });
});
