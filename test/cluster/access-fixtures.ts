// Objects for access-and-failures.test.ts: namespace `shop` with pull Secrets referenced by a Pod
// and by a ServiceAccount, namespace `orphans` with a Pod naming a Secret that does not exist,
// and a ServiceAccount token with cluster-admin for token, exec-plugin and in-cluster tests.
import assert from 'node:assert/strict';
import { ClusterError } from '../../src/cluster/cluster-error.ts';
import type { ControlPlane } from '../../harness/control-plane/control-plane.ts';

export const SHOP_DOCKER_CONFIG = JSON.stringify({
  auths: { 'registry.example.com': { auth: Buffer.from('robot:s3cret').toString('base64') } },
});

const container = { name: 'app', image: 'registry.example.com/shop/api:2.1' };

/** Returns a bearer token of a cluster-admin ServiceAccount. */
export async function seedShop(cp: ControlPlane): Promise<string> {
  const { admin } = cp;
  await cp.createNamespace('shop');
  await cp.createNamespace('orphans');
  const secret = (name: string) => ({
    metadata: { name },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(SHOP_DOCKER_CONFIG).toString('base64') },
  });
  await admin.create('/api/v1/namespaces/shop/secrets', secret('regcred'));
  await admin.create('/api/v1/namespaces/shop/secrets', secret('sa-cred'));
  await admin.create('/api/v1/namespaces/shop/serviceaccounts', {
    metadata: { name: 'builder' },
    imagePullSecrets: [{ name: 'sa-cred' }],
  });
  await admin.create('/api/v1/namespaces/shop/pods', {
    metadata: { name: 'api' },
    spec: { imagePullSecrets: [{ name: 'regcred' }], containers: [container] },
  });
  // No imagePullSecrets of its own: the ServiceAccount admission plugin copies the SA's.
  await admin.create('/api/v1/namespaces/shop/pods', {
    metadata: { name: 'worker' },
    spec: { serviceAccountName: 'builder', containers: [container] },
  });
  await admin.create('/api/v1/namespaces/orphans/pods', {
    metadata: { name: 'lonely' },
    spec: { imagePullSecrets: [{ name: 'gone' }], containers: [container] },
  });
  await admin.create('/api/v1/namespaces/shop/serviceaccounts', { metadata: { name: 'robot' } });
  await admin.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    metadata: { name: 'kube-fresh-test:robot' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: 'shop' }],
  });
  const request = await admin.create<{ status: { token: string } }>(
    '/api/v1/namespaces/shop/serviceaccounts/robot/token',
    {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    },
  );
  return request.status.token;
}

/** For assert.rejects: a ClusterError of this kind whose one-line message matches. */
export function rejectsWith(failure: ClusterError['failure'], pattern: RegExp) {
  return (error: unknown): true => {
    assert.ok(error instanceof ClusterError, String(error));
    assert.equal(error.failure, failure, error.message);
    assert.match(error.message, pattern);
    assert.equal(error.message.includes('\n'), false);
    return true;
  };
}
