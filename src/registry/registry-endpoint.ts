// Whether a registry host from a reference can address an HTTP endpoint at all. The
// distribution/reference grammar accepts any digits as a port and any hex-and-colons as an IPv6
// literal, so `host:65536` and `[fffff]` are valid references that no URL can carry. Such an image
// is a per-image failure, checked before any request is built.

/** Registries whose API lives on another host than their name. */
export const API_HOSTS: Readonly<Record<string, string>> = {
  'docker.io': 'registry-1.docker.io',
  'index.docker.io': 'registry-1.docker.io',
};

/** Why `registry` cannot form a request URL, or undefined when it can. */
export function endpointProblem(registry: string): string | undefined {
  const host = API_HOSTS[registry] ?? registry;
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port !== undefined && Number(port) > 65535)
    return `registry ${registry}: port ${port} is above 65535`;
  try {
    const url = new URL(`https://${host}/v2/`);
    // A URL that re-reads a different host (e.g. a stray `@` or `#`) is not this registry.
    if (url.pathname !== '/v2/') throw new Error('not a host');
    return undefined;
  } catch {
    return host.startsWith('[')
      ? `registry ${registry}: ${host.replace(/:\d+$/, '')} is not a valid IPv6 address`
      : `registry ${registry} is not a valid host for a URL`;
  }
}
