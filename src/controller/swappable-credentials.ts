// The controller's registry client lives as long as the process (its token cache, quota guard and
// digest cache with it), while the Pods' pull secrets change: each pass swaps in a keyring built
// from the current ones, asked before the docker config.

import type { PullSecret } from '../cluster/read/cluster-snapshot.ts';
import type { Credential, CredentialProvider } from '../registry/credentials/credential.ts';
import { NO_CREDENTIALS } from '../registry/credentials/credential-providers.ts';
import { keyringFromPullSecrets } from '../registry/credentials/pull-secret-keyring.ts';

export class PullSecretCredentials implements CredentialProvider {
  #provider: CredentialProvider = NO_CREDENTIALS;
  #fingerprint = '';

  /** Rebuilds the keyring when the set of secrets changed; returns the warnings of a rebuild. */
  update(secrets: readonly PullSecret[]): string[] {
    const fingerprint = JSON.stringify(secrets.map((s) => [s.namespace, s.name, s.type, s.data]));
    if (fingerprint === this.#fingerprint) return [];
    this.#fingerprint = fingerprint;
    const { provider, warnings } = keyringFromPullSecrets(secrets);
    this.#provider = provider;
    return warnings;
  }

  credentialsFor(registry: string, repositoryName: string): Promise<readonly Credential[]> {
    return this.#provider.credentialsFor(registry, repositoryName);
  }
}
