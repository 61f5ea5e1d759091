// The parts of Go's net/url.Parse and net.SplitHostPort the kubelet's keyring depends on
// (pkg/credentialprovider keyring.go parses every key and every image as `https://<value>`):
// the fragment and query are cut off, userinfo is dropped, the host is validated (a bracketed
// IPv6 literal, an optional numeric port, no characters a host may not carry), and the path is
// percent-decoded. A value Go rejects is `undefined`: the kubelet ignores such a key.

export interface GoUrl {
  /** As url.URL.Host: brackets and port kept, e.g. `[::1]:5000`, `reg.example.com`. */
  readonly host: string;
  /** Percent-decoded, as url.URL.Path. */
  readonly path: string;
}

/** url.Parse of `https://` + `value` (or `value` itself when it already has http(s)://). */
export function parseHttpsUrl(value: string): GoUrl | undefined {
  const withScheme = /^https?:\/\//.test(value) ? value : `https://${value}`;
  // Go rejects ASCII control characters anywhere in a URL.
  for (const c of withScheme)
    if (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) return undefined;
  const noFragment = cut(withScheme, '#');
  const rest = cut(noFragment.slice(noFragment.indexOf('//') + 2), '?');
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const rawPath = slash < 0 ? '' : rest.slice(slash);
  const at = authority.lastIndexOf('@');
  if (at >= 0 && !/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(authority.slice(0, at)))
    return undefined;
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  const path = unescapePath(rawPath);
  return host === undefined || path === undefined ? undefined : { host, path };
}

function cut(value: string, separator: string): string {
  const i = value.indexOf(separator);
  return i < 0 ? value : value.slice(0, i);
}

const validOptionalPort = (colonPort: string): boolean =>
  colonPort === '' || /^:\d*$/.test(colonPort);

function parseHost(host: string): string | undefined {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0 || !validOptionalPort(host.slice(close + 1))) return undefined;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !validOptionalPort(host.slice(colon))) return undefined;
  }
  return unescapeHost(host);
}

// Hosts may carry letters, digits, sub-delims, `:[]<>"` and `-._~`; %-escapes only for non-ASCII
// bytes (or %25). Anything else makes url.Parse fail.
function unescapeHost(host: string): string | undefined {
  for (let i = 0; i < host.length; i++) {
    const c = host[i] ?? '';
    if (c === '%') {
      const hex = host.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      if (parseInt(hex[0] ?? '0', 16) < 8 && hex !== '25') return undefined;
      i += 2;
    } else if (c.charCodeAt(0) < 0x80 && !/[A-Za-z0-9!$&'()*+,;=:[\]<>"\-._~]/.test(c)) {
      return undefined;
    }
  }
  return percentDecode(host);
}

function unescapePath(path: string): string | undefined {
  if (/%(?![0-9A-Fa-f]{2})/.test(path)) return undefined;
  return percentDecode(path);
}

function percentDecode(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '%') {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(value[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** net.SplitHostPort; on its errors the keyring uses the whole value as host and no port. */
export function splitHostPort(hostport: string): { host: string; port: string } {
  const whole = { host: hostport, port: '' };
  const i = hostport.lastIndexOf(':');
  if (i < 0) return whole;
  let j = 0;
  let k = 0;
  let host: string;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== i) return whole;
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return whole;
  }
  if (hostport.slice(j).includes('[') || hostport.slice(k).includes(']')) return whole;
  return { host, port: hostport.slice(i + 1) };
}
