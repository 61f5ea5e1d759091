// Namespaces and RBAC users on the test control plane. A user is a client certificate signed by
// the control plane's client CA (CN = user name), bound to exactly the access a test asks for, and
// a kubeconfig of its own.
import { join } from 'node:path';
import { isApiStatus, type KubeAdminClient } from '../kubelet/kube-admin-client.ts';
import { waitUntil } from './control-plane-processes.ts';
import type { ClientCertificate, ControlPlanePki } from './pki-k8s.ts';
import { writeKubeconfig } from './test-kubeconfig.ts';

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** `rules` makes a ClusterRole for the user; `clusterRole` binds an existing one (e.g. `view`). */
export type UserAccess =
  | { readonly rules: readonly PolicyRule[]; readonly namespace?: string }
  | { readonly clusterRole: string; readonly namespace?: string };

export interface TestUser {
  readonly name: string;
  readonly kubeconfigPath: string;
  readonly contextName: string;
  readonly certificate: ClientCertificate;
}

interface Env {
  readonly admin: KubeAdminClient;
  readonly pki: ControlPlanePki;
  readonly server: string;
  readonly dir: string;
}

export async function createUser(env: Env, name: string, access: UserAccess): Promise<TestUser> {
  const { admin } = env;
  const roleName = 'clusterRole' in access ? access.clusterRole : `kube-fresh-test:${name}`;
  if ('rules' in access) {
    await admin.create('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      metadata: { name: roleName },
      rules: access.rules,
    });
  }
  const binding = {
    metadata: { name: `kube-fresh-test:${name}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name }],
  };
  await admin.create(
    access.namespace === undefined
      ? '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings'
      : `/apis/rbac.authorization.k8s.io/v1/namespaces/${access.namespace}/rolebindings`,
    binding,
  );
  await waitForAccess(admin, name, roleName, access.namespace);
  const certificate = await env.pki.issueClientCertificate(name);
  const contextName = `kube-fresh-test-${name}`;
  const kubeconfigPath = await writeKubeconfig(join(env.dir, `user-${name}.kubeconfig`), [
    { name: contextName, server: env.server, caPem: env.pki.caPem, credentials: certificate },
  ]);
  return { name, kubeconfigPath, contextName, certificate };
}

/** The RBAC authorizer reads bindings from an informer: wait until it sees the new one. */
async function waitForAccess(
  admin: KubeAdminClient,
  user: string,
  roleName: string,
  namespace: string | undefined,
): Promise<void> {
  const role = await admin.get<{ rules?: PolicyRule[] }>(
    `/apis/rbac.authorization.k8s.io/v1/clusterroles/${roleName}`,
  );
  const rule = role.rules?.find((r) => r.resources.length > 0 && r.verbs.length > 0);
  if (rule === undefined) {
    // view/edit/admin are aggregated by the controller-manager: empty without one.
    throw new Error(
      `ClusterRole ${roleName} has no rules (aggregated roles need { controllers: true })`,
    );
  }
  const review = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user,
      resourceAttributes: {
        group: rule.apiGroups[0] ?? '',
        resource: rule.resources[0],
        verb: rule.verbs[0] === '*' ? 'get' : rule.verbs[0],
        ...(namespace === undefined ? {} : { namespace }),
      },
    },
  };
  await waitUntil(
    `RBAC to grant ${user} its access`,
    async () => {
      const answer = await admin.create<{ status?: { allowed?: boolean } }>(
        '/apis/authorization.k8s.io/v1/subjectaccessreviews',
        review,
      );
      return answer.status?.allowed === true;
    },
    { timeoutMs: 15_000, intervalMs: 50 },
  );
}

/**
 * With a controller-manager, its serviceaccount controller makes `default`; without one, we do,
 * because the ServiceAccount admission plugin (kept on, as in real clusters) rejects Pods whose
 * ServiceAccount does not exist.
 */
export async function createNamespace(
  admin: KubeAdminClient,
  name: string,
  controllers: boolean,
): Promise<void> {
  await admin.create('/api/v1/namespaces', { metadata: { name } });
  if (controllers) await waitForDefaultServiceAccount(admin, name);
  else await createDefaultServiceAccount(admin, name);
}

/** What the serviceaccount controller would do, for control planes without one. */
export async function createDefaultServiceAccount(
  admin: KubeAdminClient,
  namespace: string,
): Promise<void> {
  try {
    await admin.create(`/api/v1/namespaces/${namespace}/serviceaccounts`, {
      metadata: { name: 'default' },
    });
  } catch (error) {
    if (!isApiStatus(error, 409)) throw error;
  }
}

export async function waitForDefaultServiceAccount(
  admin: KubeAdminClient,
  namespace: string,
  timeoutMs = 30_000,
): Promise<void> {
  await waitUntil(
    `the "default" ServiceAccount in namespace ${namespace}`,
    async () => {
      await admin.get(`/api/v1/namespaces/${namespace}/serviceaccounts/default`);
      return true;
    },
    { timeoutMs, intervalMs: 50 },
  );
}
