// One small HTTP(S) server for the in-cluster components: exact-path routes, timeouts set below
// the callers' deadlines, TLS that reloads from disk, and a graceful close that lets requests in
// flight finish. node:http on purpose (dependencies.md §6): the surface is a handful of routes.

import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { EnvironmentError } from '../core/errors.ts';
import { formatListenAddress, type ListenAddress } from './listen-address.ts';
import { loadTlsFiles, watchTlsFiles, type TlsFiles, type TlsReloader } from './tls-files.ts';

export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<void> | void;

export interface Route {
  readonly method: 'GET' | 'POST';
  /** Matched against the path only: the apiserver appends `?timeout=10s` to webhook URLs. */
  readonly path: string;
  /** Matches every path under `path` + '/' too (for `/api/v1/workloads/…`). */
  readonly prefix?: boolean;
  readonly handle: RouteHandler;
}

export interface ServerOptions {
  readonly listen: ListenAddress;
  readonly routes: readonly Route[];
  readonly tls?: TlsFiles & { readonly reloadIntervalMs?: number };
  /** Slow-loris bound: headers and the whole request must arrive within this. */
  readonly requestTimeoutMs?: number;
  /** Called for a handler that threw: the server answers 500 and keeps serving. */
  readonly onHandlerError: (error: unknown, request: IncomingMessage) => void;
  readonly onTlsReload?: (outcome: { ok: boolean; error?: unknown }) => void;
}

export interface RunningServer {
  readonly port: number;
  /** `host:port` as bound (for logs and test URLs). */
  readonly address: string;
  /** Stops accepting, waits up to `graceMs` for requests in flight, then closes what is left. */
  close(graceMs?: number): Promise<void>;
}

/** Starts listening; rejects with an EnvironmentError when the address cannot be bound. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const dispatch = (request: IncomingMessage, response: ServerResponse): void => {
    void routeRequest(options, request, response);
  };
  let reloader: TlsReloader | undefined;
  let server: Server;
  if (options.tls === undefined) {
    server = createHttpServer(dispatch);
  } else {
    const loaded = await loadTlsFiles(options.tls);
    const httpsServer = createHttpsServer({ ...loaded.options, minVersion: 'TLSv1.2' }, dispatch);
    reloader = watchTlsFiles(options.tls, loaded, {
      apply: (next) => {
        httpsServer.setSecureContext({ ...next.options, minVersion: 'TLSv1.2' });
        options.onTlsReload?.({ ok: true });
      },
      onError: (error) => options.onTlsReload?.({ ok: false, error }),
      intervalMs: options.tls.reloadIntervalMs,
    });
    server = httpsServer;
  }
  const timeout = options.requestTimeoutMs ?? 30_000;
  server.requestTimeout = timeout;
  server.headersTimeout = Math.min(timeout, 60_000);
  server.keepAliveTimeout = 5_000;
  await listen(server, options.listen);
  const bound = server.address() as AddressInfo;
  return {
    port: bound.port,
    address: formatListenAddress(bound.address, bound.port),
    close: (graceMs) => closeServer(server, reloader, graceMs ?? 5_000),
  };
}

async function routeRequest(
  options: ServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = pathOf(request.url);
  const candidates = options.routes.filter(
    (r) => r.path === path || (r.prefix === true && path.startsWith(`${r.path}/`)),
  );
  if (candidates.length === 0) return sendText(response, 404, 'not found\n');
  const route = candidates.find(
    (r) => r.method === request.method || (r.method === 'GET' && request.method === 'HEAD'),
  );
  if (route === undefined) {
    response.setHeader('Allow', [...new Set(candidates.map((r) => r.method))].join(', '));
    return sendText(response, 405, 'method not allowed\n');
  }
  try {
    await route.handle(request, response);
  } catch (error) {
    options.onHandlerError(error, request);
    if (!response.headersSent) sendText(response, 500, 'internal error\n');
    else response.destroy();
  }
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

/** Writes a small text answer (also used by route handlers). */
export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}

/** Writes a JSON answer. */
export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  sendText(response, status, JSON.stringify(value), 'application/json');
}

async function listen(server: Server, at: ListenAddress): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(
        new EnvironmentError(
          `cannot listen on ${formatListenAddress(at.host, at.port)}: ${error.message}`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen({ host: at.host, port: at.port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function closeServer(
  server: Server,
  reloader: TlsReloader | undefined,
  graceMs: number,
): Promise<void> {
  reloader?.stop();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}
