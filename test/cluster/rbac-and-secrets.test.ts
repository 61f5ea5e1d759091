// RBAC against a real kube-apiserver: pull Secrets read and decoded for users who may, one warning
// (never a failure) for users who may not, typed forbidden errors when the Pods cannot be listed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectCluster } from '../../src/cluster/connection/connect-cluster.ts';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { rejectsWith, seedShop, SHOP_DOCKER_CONFIG } from './access-fixtures.ts';

const READ_ALL_BUT_SECRETS = [
  {
    apiGroups: [''],
    resources: ['pods', 'nodes', 'events', 'serviceaccounts'],
    verbs: ['get', 'list'],
  },
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list'] },
];

describe('RBAC and pull Secrets', { timeout: 180_000 }, () => {
  let cp: ControlPlane;
  const connect = (kubeconfig: string, context?: string) =>
    connectCluster({
      sources: { kubeconfigFlag: kubeconfig },
      selection: { context },
      env: {},
    }).then((c) => c.reader);

  before(async () => {
    cp = await startControlPlane({ controllers: false });
    await seedShop(cp);
  });
  after(() => cp?.stop());

  it('reads and decodes the pull Secrets Pods and ServiceAccounts reference', async () => {
    const snapshot = await (await connect(cp.kubeconfigPath)).readSnapshot({ namespace: 'shop' });
    assert.deepEqual(snapshot.warnings, []);
    const secrets = Object.fromEntries(snapshot.pullSecrets.map((s) => [s.name, s]));
    assert.deepEqual(Object.keys(secrets).sort(), ['regcred', 'sa-cred']);
    assert.equal(secrets.regcred?.type, 'kubernetes.io/dockerconfigjson');
    assert.equal(secrets.regcred?.data['.dockerconfigjson'], SHOP_DOCKER_CONFIG);
    const worker = snapshot.pods.find((p) => p.name === 'worker');
    assert.deepEqual(
      worker?.imagePullSecrets,
      ['sa-cred'],
      'copied from the ServiceAccount at admission',
    );
    assert.deepEqual(snapshot.serviceAccounts.find((a) => a.name === 'builder')?.imagePullSecrets, [
      'sa-cred',
    ]);
  });

  it('degrades to one warning, not a failure, for a user who may not read Secrets', async () => {
    const user = await cp.createUser('no-secrets', { rules: READ_ALL_BUT_SECRETS });
    const snapshot = await (await connect(user.kubeconfigPath)).readSnapshot({ namespace: 'shop' });
    assert.equal(snapshot.pods.length, 2);
    assert.deepEqual(snapshot.pullSecrets, []);
    assert.equal(snapshot.warnings.length, 1, snapshot.warnings.join('\n'));
    assert.match(
      snapshot.warnings[0] ?? '',
      /secrets .* is forbidden: User "no-secrets" cannot get resource "secrets".*no cluster credentials for the 2 pull Secret/,
    );
  });

  it('warns once per list it may not read (a namespace reader: no Nodes, no Secrets)', async () => {
    const namespaced = READ_ALL_BUT_SECRETS.map((r) => ({
      ...r,
      resources: r.resources.filter((x) => x !== 'nodes'),
    }));
    const user = await cp.createUser('viewer', { rules: namespaced, namespace: 'shop' });
    const snapshot = await (await connect(user.kubeconfigPath)).readSnapshot({ namespace: 'shop' });
    assert.equal(snapshot.pods.length, 2);
    assert.deepEqual(snapshot.nodes, []);
    assert.equal(snapshot.warnings.length, 2, snapshot.warnings.join('\n'));
    assert.match(
      snapshot.warnings[0] ?? '',
      /^not allowed to list Nodes: nodes is forbidden: .*; node platforms and cached images are unknown$/,
    );
    assert.match(
      snapshot.warnings[1] ?? '',
      /not allowed to read image pull Secrets: secrets "regcred" is forbidden/,
    );
  });

  it('fails with a typed forbidden error when the Pods themselves cannot be listed', async () => {
    const user = await cp.createUser('nodes-only', {
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }],
    });
    const reader = await connect(user.kubeconfigPath);
    await assert.rejects(
      reader.readSnapshot({}),
      rejectsWith(
        'forbidden',
        /^not allowed to list Pods in all namespaces: pods is forbidden: User "nodes-only" .* \(context "kube-fresh-test-nodes-only", server https:\/\/127\.0\.0\.1:\d+\)$/,
      ),
    );
  });

  it('warns about pull Secrets that do not exist', async () => {
    const snapshot = await (
      await connect(cp.kubeconfigPath)
    ).readSnapshot({ namespace: 'orphans' });
    assert.deepEqual(snapshot.warnings, [
      '1 image pull Secret(s) referenced by Pods or ServiceAccounts do not exist: orphans/gone (the kubelet pulls without them)',
    ]);
  });
});
