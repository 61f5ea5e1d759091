// A small Docker token server (distribution docs/spec/auth/token.md) for the real registry's token
// auth mode: issues RS256 JWTs with an x5c header that the registry trusts via `rootcertbundle`.
// Anonymous callers get pull on repositories outside `private/`; known users get pull and push
// everywhere; a wrong password gets 401. Every request is counted.
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenServerOptions {
  readonly keyFile: string;
  readonly certFile: string;
  readonly issuer: string;
  readonly users: Readonly<Record<string, string>>;
  /** Seconds; omitted from the response when undefined (clients must default to 60). */
  readonly expiresIn?: number;
}

export interface TokenRequestRecord {
  readonly method: string;
  readonly user: string | undefined;
  readonly scopes: readonly string[];
  readonly status: number;
}

export interface TestTokenServer {
  readonly realm: string;
  readonly requests: TokenRequestRecord[];
  stop(): Promise<void>;
}

export async function startTokenServer(options: TokenServerOptions): Promise<TestTokenServer> {
  const key = createPrivateKey(await readFile(options.keyFile, 'utf8'));
  const certDer = new X509Certificate(await readFile(options.certFile)).raw.toString('base64');
  const requests: TokenRequestRecord[] = [];
  const server = createServer((req, res) => {
    void handle(req, res, { key, certDer, options, requests });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { realm: `http://127.0.0.1:${port}/token`, requests, stop: () => closeServer(server) };
}

interface Context {
  readonly key: KeyObject;
  readonly certDer: string;
  readonly options: TokenServerOptions;
  readonly requests: TokenRequestRecord[];
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://token');
  const body = await readBody(req);
  const form = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
  const scopes = form
    .getAll('scope')
    .flatMap((s) => s.split(' '))
    .filter((s) => s !== '');
  const service = form.get('service') ?? '';
  const auth = authenticate(req, form, ctx.options.users);
  if (auth === 'denied') {
    ctx.requests.push({ method: req.method ?? '', user: undefined, scopes, status: 401 });
    res.writeHead(401, {
      'content-type': 'application/json',
      'www-authenticate': 'Basic realm="token"',
    });
    res.end('{"details":"incorrect username or password"}');
    return;
  }
  const user = auth.user;
  ctx.requests.push({ method: req.method ?? '', user, scopes, status: 200 });
  const access = scopes.map((scope) => grant(scope, user));
  const token = issue(ctx, service, user, access);
  const expires = ctx.options.expiresIn === undefined ? {} : { expires_in: ctx.options.expiresIn };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({ token, access_token: token, ...expires, issued_at: new Date().toISOString() }),
  );
}

/** Basic credentials (GET) or an OAuth2 refresh-token / password grant (POST). */
function authenticate(
  req: IncomingMessage,
  form: URLSearchParams,
  users: Readonly<Record<string, string>>,
): { user: string | undefined } | 'denied' {
  if (form.get('grant_type') === 'refresh_token') {
    const [user, secret] = (form.get('refresh_token') ?? '').split(':');
    return user !== undefined && users[user] !== undefined && users[user] === secret
      ? { user }
      : 'denied';
  }
  const header = req.headers.authorization;
  if (header === undefined) return { user: undefined };
  const decoded = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return users[user] !== undefined && users[user] === decoded.slice(colon + 1)
    ? { user }
    : 'denied';
}

function grant(
  scope: string,
  user: string | undefined,
): { type: string; name: string; actions: string[] } {
  // resourcetype:resourcename:actions, where the name may contain a host:port.
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const wanted = scope.slice(last + 1).split(',');
  const allowed =
    user !== undefined ? ['pull', 'push'] : name.startsWith('private/') ? [] : ['pull'];
  return { type, name, actions: wanted.filter((a) => allowed.includes(a)) };
}

function issue(
  ctx: Context,
  audience: string,
  user: string | undefined,
  access: unknown[],
): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = { alg: 'RS256', typ: 'JWT', x5c: [ctx.certDer] };
  const claims = {
    iss: ctx.options.issuer,
    sub: user ?? '',
    aud: audience,
    exp: now + 300,
    nbf: now - 10,
    iat: now,
    jti: randomUUID(),
    access,
  };
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), ctx.key).toString('base64url')}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
