// Which listen addresses and Host headers are loopback. A dashboard bound to loopback answers only
// requests naming a loopback host, so a web page cannot reach it through a DNS name rebound to
// 127.0.0.1 (the browser would send that name as Host).

import { isIP } from 'node:net';

export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1';
}

/** `127.0.0.1:8787`, `localhost:8787`, `[::1]:8787`: what a browser on this machine sends. */
export function isLoopbackHostHeader(header: string): boolean {
  const host = header.startsWith('[')
    ? header.slice(1, Math.max(1, header.indexOf(']')))
    : (header.split(':')[0] ?? '');
  return host !== '' && isLoopbackHost(host);
}
