// The dashboard's routes on the shared server (serving/http-server.ts): the pages, their two
// bundled assets, the read-only JSON API, a Server-Sent Events stream announcing each new picture
// and a refresh. Every answer carries a Content-Security-Policy that allows nothing but this
// origin's own script, style and API, and X-Content-Type-Options: nosniff.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { KubeFreshError } from '../core/errors.ts';
import { sendJson, sendText, type Route, type RouteHandler } from '../serving/http-server.ts';
import type { Picture } from '../usecases/dashboard-picture.ts';
import {
  nodesBody,
  overviewBody,
  pictureEventBody,
  workloadBody,
  workloadsBody,
} from './api-views.ts';
import { loadClientAssets } from './client-assets.ts';
import { renderPageShell, type PageName } from './page-shell.ts';
import type { PictureSource } from './picture-source.ts';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

export interface DashboardOptions {
  readonly source: PictureSource;
  /**
   * Which Host headers to answer; others get 421. A loopback `kube-fresh ui` allows only
   * loopback names, so a web page cannot reach it through a rebound DNS name.
   */
  readonly allowHost?: (host: string) => boolean;
  /** Seconds between SSE keep-alive comments (proxies drop idle streams). */
  readonly keepAliveMs?: number;
}

export interface Dashboard {
  readonly routes: Route[];
  /** Ends the open event streams, so the server can close without waiting on them. */
  close(): void;
}

export function createDashboard(options: DashboardOptions): Dashboard {
  const streams = new Set<ServerResponse>();
  const { source } = options;
  const guard = (handle: RouteHandler): RouteHandler => {
    return async (request, response) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
      const host = request.headers.host ?? '';
      if (options.allowHost !== undefined && !options.allowHost(host))
        return sendJson(response, 421, { error: `this dashboard does not answer for ${host}` });
      await handle(request, response);
    };
  };
  const page = (name: PageName): RouteHandler => {
    return (_request, response) => sendText(response, 200, renderPageShell(name), HTML);
  };
  const withPicture =
    (answer: (picture: Picture, request: IncomingMessage) => object | undefined) =>
    async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
      const picture = await pictureOr503(source, response);
      if (picture === undefined) return;
      const body = answer(picture, request);
      if (body === undefined) sendJson(response, 404, { error: 'no such workload in the picture' });
      else sendJson(response, 200, body);
    };
  const routes: Route[] = [
    { method: 'GET', path: '/', handle: page('overview') },
    { method: 'GET', path: '/workloads', prefix: true, handle: workloadPage },
    { method: 'GET', path: '/nodes', handle: page('nodes') },
    { method: 'GET', path: '/assets/dashboard.js', handle: asset('script') },
    { method: 'GET', path: '/assets/dashboard.css', handle: asset('style') },
    { method: 'GET', path: '/api/v1/overview', handle: withPicture(overviewBody) },
    { method: 'GET', path: '/api/v1/workloads', handle: withPicture(workloadsBody) },
    {
      method: 'GET',
      path: '/api/v1/workloads',
      prefix: true,
      handle: withPicture((picture, request) => {
        const id = workloadIdOf(request.url ?? '', '/api/v1/workloads/');
        return id === undefined ? undefined : workloadBody(picture, id);
      }),
    },
    { method: 'GET', path: '/api/v1/nodes', handle: withPicture(nodesBody) },
    {
      method: 'GET',
      path: '/api/v1/events',
      handle: (request, response) => openStream(source, streams, request, response, options),
    },
    { method: 'POST', path: '/api/v1/refresh', handle: (req, res) => refresh(source, req, res) },
  ];
  return {
    routes: routes.map((r) => ({ ...r, handle: guard(r.handle) })),
    close: () => {
      for (const stream of streams) stream.end();
      streams.clear();
    },
  };
}

const HTML = 'text/html; charset=utf-8';

function workloadPage(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split(/[?#]/)[0] ?? '/';
  if (path === '/workloads' || path === '/workloads/')
    return sendText(response, 200, renderPageShell('workloads'), HTML);
  const id = workloadIdOf(path, '/workloads/');
  if (id === undefined) return sendText(response, 404, 'not found\n');
  sendText(response, 200, renderPageShell('workload', `${id.kind}/${id.name}`), HTML);
}

function asset(kind: 'script' | 'style'): RouteHandler {
  return async (_request, response) => {
    const assets = await loadClientAssets();
    response.setHeader('Cache-Control', 'no-cache');
    if (kind === 'script') sendText(response, 200, assets.script, 'text/javascript; charset=utf-8');
    else sendText(response, 200, assets.style, 'text/css; charset=utf-8');
  };
}

/** `/…/{namespace}/{kind}/{name}` with each segment percent-decoded; undefined if malformed. */
export function workloadIdOf(
  url: string,
  prefix: string,
): { namespace: string; kind: string; name: string } | undefined {
  const path = url.split(/[?#]/)[0] ?? '';
  if (!path.startsWith(prefix)) return undefined;
  const parts = path.slice(prefix.length).split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) return undefined;
  try {
    const [namespace, kind, name] = parts.map((p) => decodeURIComponent(p)) as [
      string,
      string,
      string,
    ];
    return { namespace, kind, name };
  } catch {
    return undefined; // a malformed percent-escape
  }
}

async function pictureOr503(
  source: PictureSource,
  response: ServerResponse,
): Promise<Picture | undefined> {
  try {
    return await source.current();
  } catch (error) {
    sendJson(response, 503, { error: `no picture yet: ${messageOf(error)}` });
    return undefined;
  }
}

function openStream(
  source: PictureSource,
  streams: Set<ServerResponse>,
  request: IncomingMessage,
  response: ServerResponse,
  options: DashboardOptions,
): void {
  response.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  // A client reconnecting after a drop waits 2 s, not the browser's default 3 s.
  response.write('retry: 2000\n\n');
  const send = (picture: Picture): void => {
    response.write(`event: picture\ndata: ${JSON.stringify(pictureEventBody(picture))}\n\n`);
  };
  const unsubscribe = source.subscribe(send);
  const keepAlive = setInterval(
    () => response.write(': keep-alive\n\n'),
    options.keepAliveMs ?? 15_000,
  );
  keepAlive.unref();
  streams.add(response);
  const cleanup = (): void => {
    unsubscribe();
    clearInterval(keepAlive);
    streams.delete(response);
  };
  request.on('close', cleanup);
  response.on('close', cleanup);
  // The picture the page should show now; a failed first picture is told by the API routes.
  source.current().then(send, () => undefined);
}

async function refresh(
  source: PictureSource,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  // A cross-site form cannot send application/json without a CORS preflight we never grant.
  const type = request.headers['content-type'] ?? '';
  if (!type.startsWith('application/json') || request.headers['sec-fetch-site'] === 'cross-site')
    return sendJson(response, 415, { error: 'POST with Content-Type: application/json' });
  request.resume();
  if (source.refresh === undefined)
    return sendJson(response, 409, { error: 'this picture is live: it refreshes by itself' });
  try {
    await source.refresh();
  } catch (error) {
    return sendJson(response, 502, { error: `refresh failed: ${messageOf(error)}` });
  }
  sendJson(response, 200, pictureEventBody(await source.current()));
}

/** Our typed errors carry safe one-line messages; anything else is not shown. */
function messageOf(error: unknown): string {
  return error instanceof KubeFreshError ? error.message : 'internal error (see the log)';
}
