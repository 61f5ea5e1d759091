// A registry credential and where it came from. The source is what kube-fresh prints; the secret
// fields never leave the registry adapter.

import type { CredentialSource } from '../../core/image-resolver.ts';

export interface Credential {
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** OAuth2 refresh token (docker `identitytoken`, or a helper's `<token>` user). */
  readonly identityToken: string | undefined;
  /** A bearer token to send as is (docker `registrytoken`). */
  readonly registryToken: string | undefined;
  readonly source: CredentialSource;
}

export const ANONYMOUS_SOURCE: CredentialSource = {
  kind: 'anonymous',
  detail: 'no credential matched',
};

/** Decodes a docker/kubelet `auth` field: base64 of `user:password`, padded or not. */
export function decodeAuthField(auth: string): { username: string; password: string } | undefined {
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A stable, secret-free identity for cache keys: which source and user, not the password. */
export function credentialIdentity(credential: Credential | undefined): string {
  if (credential === undefined) return 'anonymous';
  return `${credential.source.kind}:${credential.source.detail}:${credential.username ?? ''}`;
}

/** Where registry credentials come from, asked once per registry/repository. */
export interface CredentialProvider {
  /** Candidates to try in order; empty means anonymous. */
  credentialsFor(registry: string, repositoryName: string): Promise<readonly Credential[]>;
}
