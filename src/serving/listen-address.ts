// Parses `--listen` values as Go servers and kubectl users write them: `:8080`, `127.0.0.1:8443`,
// `[::1]:9000`, `localhost:0`. An empty host means all interfaces, as in Go's net.Listen.

import { UsageError } from '../core/errors.ts';

export interface ListenAddress {
  /** Undefined for "all interfaces" (`:8080`). */
  readonly host: string | undefined;
  readonly port: number;
}

/** Parses a listen address or throws a UsageError naming the flag. */
export function parseListenAddress(value: string, flag = '--listen'): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  const port = match === null ? Number.NaN : Number(match[3]);
  if (match === null || !Number.isInteger(port) || port > 65535) {
    throw new UsageError(
      `${flag} "${value}" is not HOST:PORT (e.g. :8080, 127.0.0.1:8443, [::1]:9000)`,
    );
  }
  const host = match[1] ?? match[2];
  return { host: host === undefined || host === '' ? undefined : host, port };
}

/** How an address is written back in logs and URLs. */
export function formatListenAddress(host: string | undefined, port: number): string {
  if (host === undefined) return `:${port}`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
