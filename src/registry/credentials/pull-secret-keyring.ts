// One keyring from the pull secrets the Pods reference (their own `imagePullSecrets`, which
// include the ServiceAccount's — the admission plugin copies them in). A lookup is read-only, so
// any Pod's secret may answer for a registry; each result names the secret it used. A Secret the
// kubelet cannot read contributes nothing: the kubelet uses no credentials at all for a Pod that
// references it (`brokenPullSecrets` names them, so those Pods can be reported as unknown).

import type { CredentialProvider } from './credential.ts';
import { KeyringCredentials } from './credential-providers.ts';
import { KubeletKeyring } from './kubelet-keyring.ts';
import { parsePullSecret } from './pull-secret.ts';

/** A pull secret whose docker-config value is already decoded from base64 (as the snapshot has it). */
export interface PullSecretInput {
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  readonly data: Readonly<Record<string, string | undefined>>;
}

export function keyringFromPullSecrets(secrets: readonly PullSecretInput[]): {
  provider: CredentialProvider;
  warnings: string[];
} {
  const keyring = new KubeletKeyring();
  const warnings: string[] = [];
  for (const secret of secrets) {
    const parsed = parse(secret);
    if (!parsed.ok) {
      warnings.push(
        `pull secret ${secret.namespace}/${secret.name} cannot be read by the kubelet (${parsed.message}): Pods that reference it pull with no credentials at all`,
      );
      continue;
    }
    keyring.add(parsed.entries, {
      kind: 'pull-secret',
      detail: `${secret.namespace}/${secret.name}`,
    });
  }
  return { provider: new KeyringCredentials(keyring), warnings };
}

/** `namespace/name` → why the kubelet's lookup fails, for every Secret it cannot read. */
export function brokenPullSecrets(secrets: readonly PullSecretInput[]): Map<string, string> {
  const broken = new Map<string, string>();
  for (const secret of secrets) {
    const parsed = parse(secret);
    if (!parsed.ok) broken.set(`${secret.namespace}/${secret.name}`, parsed.message);
  }
  return broken;
}

function parse(secret: PullSecretInput) {
  const data = Object.fromEntries(
    Object.entries(secret.data).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return parsePullSecret(secret.type, data, 'text');
}
