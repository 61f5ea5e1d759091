// A scriptable HTTP proxy in front of a real registry: answers chosen requests with faults (429,
// 503, garbage, a missing digest header, silence) and forwards everything else untouched.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../../harness/registry/token-server.ts';

export interface Fault {
  /** Which requests it applies to (default: manifest requests). */
  readonly match?: (method: string, path: string) => boolean;
  /** How many matching requests get it (default 1). */
  times?: number;
  /** A canned answer instead of forwarding. */
  readonly respond?: {
    readonly status: number;
    readonly headers?: Record<string, string>;
    readonly body?: string;
  };
  /** Forward, but change the upstream answer's headers. */
  readonly rewriteHeaders?: (
    headers: Record<string, string | string[] | undefined>,
  ) => Record<string, string | string[] | undefined>;
  /** Forward, but replace the body. */
  readonly replaceBody?: string;
  /** Never answer (to trigger client timeouts). */
  readonly hang?: boolean;
  /** An answer computed from the request (e.g. one that echoes its Authorization header). */
  readonly respondWith?: (req: IncomingMessage) => {
    readonly status: number;
    readonly headers?: Record<string, string>;
    readonly body?: string;
  };
  /** Answer with a redirect (307 unless given) to the location built from the request path. */
  readonly redirect?: { readonly status?: number; readonly location: (path: string) => string };
}

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly at: number;
  /** The Authorization header the client sent, if any. */
  readonly authorization: string | undefined;
}

export interface FaultProxy {
  /** `127.0.0.1:PORT`, to use as the registry host in references. */
  readonly host: string;
  readonly requests: ProxiedRequest[];
  add(fault: Fault): void;
  stop(): Promise<void>;
}

const isManifest = (_method: string, path: string): boolean => /^\/v2\/.+\/manifests\//.test(path);

export async function startFaultProxy(upstreamHost: string): Promise<FaultProxy> {
  const faults: Fault[] = [];
  const requests: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    requests.push({
      method,
      path,
      at: performance.now() + performance.timeOrigin,
      authorization: req.headers.authorization,
    });
    const fault = faults.find((f) => (f.times ?? 1) > 0 && (f.match ?? isManifest)(method, path));
    if (fault !== undefined) fault.times = (fault.times ?? 1) - 1;
    if (fault?.hang) return;
    if (fault?.respondWith !== undefined) {
      const answer = fault.respondWith(req);
      res.writeHead(answer.status, answer.headers);
      res.end(method === 'HEAD' ? undefined : answer.body);
      return;
    }
    if (fault?.redirect !== undefined) {
      res.writeHead(fault.redirect.status ?? 307, { location: fault.redirect.location(path) });
      res.end();
      return;
    }
    if (fault?.respond !== undefined) {
      res.writeHead(fault.respond.status, fault.respond.headers);
      res.end(method === 'HEAD' ? undefined : fault.respond.body);
      return;
    }
    forward(req, res, upstreamHost, fault);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    add: (fault) => faults.push(fault),
    stop: () => closeServer(server),
  };
}

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  upstreamHost: string,
  fault: Fault | undefined,
): void {
  const [hostname, port] = upstreamHost.split(':');
  const upstream = httpRequest(
    {
      hostname,
      port: Number(port),
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstreamHost },
    },
    (up) => {
      let headers = { ...up.headers };
      if (fault?.rewriteHeaders) headers = fault.rewriteHeaders(headers);
      if (fault?.replaceBody !== undefined) {
        headers['content-length'] = String(Buffer.byteLength(fault.replaceBody));
        res.writeHead(up.statusCode ?? 502, headers);
        res.end(req.method === 'HEAD' ? undefined : fault.replaceBody);
        up.resume();
        return;
      }
      res.writeHead(up.statusCode ?? 502, headers);
      up.pipe(res);
    },
  );
  upstream.on('error', () => {
    res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}
