// Wires the HTTP resolver from its parts. The one constructor every front door uses.

import type { CredentialProvider } from './credentials/credential.ts';
import { HttpImageResolver } from './http-image-resolver.ts';
import type { RegistryConfig } from './registry-config.ts';
import { RegistrySession } from './registry-session.ts';
import { RegistryTransport } from './registry-transport.ts';

export interface RegistryClient {
  readonly resolver: HttpImageResolver;
  /** Requests sent so far: registry API requests by registry, token requests by realm. */
  stats(): {
    readonly requests: Readonly<Record<string, number>>;
    readonly tokenRequests: Readonly<Record<string, number>>;
  };
  close(): Promise<void>;
}

export function createRegistryClient(
  config: RegistryConfig,
  credentials: CredentialProvider,
): RegistryClient {
  const transport = new RegistryTransport(config);
  const session = new RegistrySession({ transport, credentials, config });
  const resolver = new HttpImageResolver(session, config);
  return {
    resolver,
    stats: () => ({
      requests: Object.fromEntries(transport.requestCounts),
      tokenRequests: Object.fromEntries(session.auth.tokenRequests),
    }),
    close: () => transport.close(),
  };
}
