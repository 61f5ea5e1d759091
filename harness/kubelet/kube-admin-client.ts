// A minimal JSON client for the test control plane, used to set up fixtures and to play the
// kubelet. It is deliberately independent of src/cluster (the code under test) and of
// @kubernetes/client-node: plain HTTPS with the generated CA and a client certificate, keep-alive,
// and timestamps as the strings the API serves.
import { Agent, request } from 'node:https';

export interface AdminClientOptions {
  readonly server: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly timeoutMs?: number;
}

export class KubeApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path}: HTTP ${status}: ${body.slice(0, 500)}`);
  }
}

export type KubeObject = Record<string, unknown> & {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
};

export type PatchType = 'merge' | 'strategic' | 'json';
const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export class KubeAdminClient {
  readonly #agent: Agent;
  readonly #url: URL;
  readonly #timeoutMs: number;

  constructor(options: AdminClientOptions) {
    this.#url = new URL(options.server);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#agent = new Agent({
      keepAlive: true,
      maxSockets: 32,
      ca: options.caPem,
      cert: options.certPem,
      key: options.keyPem,
    });
  }

  get<T = KubeObject>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  create<T = KubeObject>(path: string, object: unknown): Promise<T> {
    return this.request<T>('POST', path, object);
  }

  replace<T = KubeObject>(path: string, object: unknown): Promise<T> {
    return this.request<T>('PUT', path, object);
  }

  patch<T = KubeObject>(path: string, patch: unknown, type: PatchType = 'merge'): Promise<T> {
    return this.request<T>('PATCH', path, patch, PATCH_CONTENT_TYPE[type]);
  }

  delete(path: string): Promise<KubeObject> {
    return this.request('DELETE', path);
  }

  /** Every item of a list, following `continue`. */
  async listAll<T = KubeObject>(path: string): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page = await this.get<{ items: T[]; metadata: { continue?: string } }>(
        `${path}${separator}limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`,
      );
      items.push(...page.items);
      token = page.metadata.continue || undefined;
    } while (token !== undefined);
    return items;
  }

  request<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const req = request(
        {
          protocol: this.#url.protocol,
          hostname: this.#url.hostname,
          port: this.#url.port,
          path,
          method,
          agent: this.#agent,
          timeout: this.#timeoutMs,
          headers: {
            accept: 'application/json',
            ...(payload === undefined ? {} : { 'content-type': contentType ?? 'application/json' }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) reject(new KubeApiError(method, path, status, text));
            else resolve(parseBody(text, res.headers['content-type']) as T);
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in time`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return {};
  // /readyz, /healthz and /livez answer text/plain.
  return contentType?.includes('json') === true ? JSON.parse(text) : text;
}

/** True when the error is an API answer with this HTTP status. */
export function isApiStatus(error: unknown, status: number): boolean {
  return error instanceof KubeApiError && error.status === status;
}
