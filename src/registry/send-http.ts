// One HTTP exchange over node:http/https with a connect deadline, a whole-request deadline and a
// response size cap. Failures are thrown as errors with a `code` (Node's own, or KF_* below) for
// registry-transport.ts to classify.

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { HttpRequest, HttpResponse } from './http-message.ts';

export interface SendOptions {
  readonly agent: HttpAgent;
  readonly userAgent: string;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxBytes: number;
}

/** Keep-alive pools: plain HTTP, verified TLS, and unverified TLS for --insecure-registry hosts. */
export class HttpAgents {
  private readonly http: HttpAgent;
  private readonly verified: HttpsAgent;
  private readonly unverified: HttpsAgent;

  constructor(maxSockets: number, ca: string[] | undefined) {
    const common = { keepAlive: true, maxSockets, scheduling: 'lifo' as const };
    this.http = new HttpAgent(common);
    this.verified = new HttpsAgent({ ...common, ...(ca === undefined ? {} : { ca }) });
    this.unverified = new HttpsAgent({ ...common, rejectUnauthorized: false });
  }

  pick(url: string, insecure: boolean): HttpAgent {
    if (url.startsWith('http:')) return this.http;
    return insecure ? this.unverified : this.verified;
  }

  destroy(): void {
    this.http.destroy();
    this.verified.destroy();
    this.unverified.destroy();
  }
}

export function sendHttp(
  url: string,
  req: HttpRequest,
  options: SendOptions,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const headers = {
      'user-agent': options.userAgent,
      ...req.headers,
      ...(body === undefined ? {} : { 'content-length': String(body.length) }),
    };
    const request = send(url, { method: req.method, headers, agent: options.agent });
    const fail = (code: string, message: string): void => {
      request.destroy(Object.assign(new Error(message), { code }));
    };
    const deadline = setTimeout(
      () => fail('KF_REQUEST_TIMEOUT', `no answer within ${options.requestTimeoutMs} ms`),
      options.requestTimeoutMs,
    );
    request.on('socket', (socket) => {
      if (!socket.connecting) return;
      const connectTimer = setTimeout(
        () => fail('KF_CONNECT_TIMEOUT', `no connection within ${options.connectTimeoutMs} ms`),
        options.connectTimeoutMs,
      );
      socket.once('connect', () => clearTimeout(connectTimer));
      socket.once('close', () => clearTimeout(connectTimer));
    });
    request.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    request.on('response', (res: IncomingMessage) => {
      readBody(res, options.maxBytes).then(
        (bytes) => {
          clearTimeout(deadline);
          resolve({
            status: res.statusCode ?? 0,
            headers: flattenHeaders(res.headers),
            body: bytes,
          });
        },
        (error: unknown) => {
          clearTimeout(deadline);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
    request.end(body);
  });
}

function readBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy(
          Object.assign(new Error(`response larger than ${maxBytes} bytes`), {
            code: 'KF_RESPONSE_TOO_LARGE',
          }),
        );
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
    res.on('aborted', () =>
      reject(Object.assign(new Error('connection closed mid-response'), { code: 'ECONNRESET' })),
    );
  });
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
