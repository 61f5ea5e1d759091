// A small reflector for one kind: a paged list, then a watch from the list's resourceVersion with
// bookmarks and a server-side timeout, a trimmed projection per object, relist on 410 Gone (as an
// HTTP status or an in-stream ERROR), backoff with jitter on any other failure, and a watchdog for
// silent stalls. client-node's informer is not used: it stops for good on a non-410 error, asks
// for no bookmarks and keeps whole objects (in-cluster-recipes.md §2).

import type { Watch } from '@kubernetes/client-node';

export interface ReflectorSource<T> {
  /** For logs and metrics: `Pod`, `Deployment`… */
  readonly kind: string;
  /** The collection path, e.g. `/api/v1/pods` or `/apis/apps/v1/namespaces/prod/deployments`. */
  readonly path: string;
  readonly fieldSelector?: string | undefined;
  readonly labelSelector?: string | undefined;
  /** The part of an object worth keeping; undefined skips the object. */
  project(raw: RawObject): T | undefined;
}

export interface RawObject {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
  };
  readonly [field: string]: unknown;
}

export type RestartReason = 'expired' | 'error' | 'watchdog' | 'relist';

export interface ReflectorDeps {
  /** One GET of a list page as JSON (kube-api.ts getJson: same auth and budget). */
  list(path: string, query: Record<string, string | number | undefined>): Promise<unknown>;
  readonly watch: Pick<Watch, 'watch'>;
  /** Called after the cache changed (coalesce on the other side). */
  onChange?(kind: string): void;
  onRestart?(kind: string, reason: RestartReason, detail: string | undefined): void;
  onSynced?(kind: string, objects: number): void;
}

export interface ReflectorOptions {
  /** Asked of the server per watch; it ends the watch after this long (default 300). */
  readonly timeoutSeconds?: number;
  /** No event or bookmark for this long restarts the watch (default 2 × timeoutSeconds). */
  readonly watchdogMs?: number;
  /** A full relist this often, besides 410s (default 30 min). */
  readonly relistMs?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly pageSize?: number;
}

type WatchEnd =
  | { readonly kind: 'closed' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'expired'; readonly detail: string }
  | { readonly kind: 'watchdog' }
  | { readonly kind: 'error'; readonly detail: string };

export class Reflector<T> {
  readonly #source: ReflectorSource<T>;
  readonly #deps: ReflectorDeps;
  readonly #timeoutSeconds: number;
  readonly #watchdogMs: number;
  readonly #relistMs: number;
  readonly #backoff: { initialMs: number; maxMs: number };
  readonly #pageSize: number;
  #store = new Map<string, T>();
  #resourceVersion: string | undefined;
  #listedAt = 0;
  #synced = false;
  #failures = 0;
  #lastError: string | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;
  #abortWatch: (() => void) | undefined;
  #running: Promise<void> | undefined;

  constructor(source: ReflectorSource<T>, deps: ReflectorDeps, options: ReflectorOptions = {}) {
    this.#source = source;
    this.#deps = deps;
    this.#timeoutSeconds = options.timeoutSeconds ?? 300;
    this.#watchdogMs = options.watchdogMs ?? 2 * this.#timeoutSeconds * 1000;
    this.#relistMs = options.relistMs ?? 30 * 60_000;
    this.#backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    this.#pageSize = options.pageSize ?? 500;
  }

  get kind(): string {
    return this.#source.kind;
  }

  /** True once a list has completed; stays true across relists (the old cache is served meanwhile). */
  get synced(): boolean {
    return this.#synced;
  }

  /** The last failure, for /readyz and logs; cleared by a successful list or watch event. */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  get resourceVersion(): string | undefined {
    return this.#resourceVersion;
  }

  get size(): number {
    return this.#store.size;
  }

  get(key: string): T | undefined {
    return this.#store.get(key);
  }

  values(): IterableIterator<T> {
    return this.#store.values();
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Ends the watch and any wait; resolves once the loop has returned. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#abortWatch?.();
    this.#wake?.();
    await this.#running;
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      if (this.#resourceVersion === undefined || Date.now() - this.#listedAt > this.#relistMs) {
        const listed = await this.#relist();
        if (!listed) continue;
      }
      const end = await this.#watchOnce();
      switch (end.kind) {
        case 'stopped':
          return;
        case 'closed':
          break; // the server's timeoutSeconds: watch again from the same resourceVersion
        case 'expired':
          this.#resourceVersion = undefined;
          this.#deps.onRestart?.(this.kind, 'expired', end.detail);
          break;
        case 'watchdog':
          this.#deps.onRestart?.(this.kind, 'watchdog', undefined);
          break;
        case 'error':
          this.#lastError = end.detail;
          this.#deps.onRestart?.(this.kind, 'error', end.detail);
          await this.#sleep(this.#nextBackoff());
          break;
      }
    }
  }

  /** One paged list into a fresh store; false (after a backoff) when it failed. */
  async #relist(): Promise<boolean> {
    let listed: { store: Map<string, T>; resourceVersion: string | undefined };
    try {
      listed = await this.#listPages();
    } catch (error) {
      const expired = statusOf(error) === 410;
      this.#lastError = `list ${this.kind}: ${messageOf(error)}`;
      this.#deps.onRestart?.(this.kind, expired ? 'expired' : 'error', this.#lastError);
      // An expired continue token: start the list again at once; anything else backs off.
      if (!expired) await this.#sleep(this.#nextBackoff());
      return false;
    }
    const relisted = this.#synced;
    this.#store = listed.store;
    this.#resourceVersion = listed.resourceVersion;
    this.#listedAt = Date.now();
    this.#lastError = undefined;
    this.#failures = 0;
    if (relisted) this.#deps.onRestart?.(this.kind, 'relist', undefined);
    this.#synced = true;
    this.#deps.onSynced?.(this.kind, listed.store.size);
    this.#deps.onChange?.(this.kind);
    return true;
  }

  async #listPages(): Promise<{ store: Map<string, T>; resourceVersion: string | undefined }> {
    const store = new Map<string, T>();
    let resourceVersion: string | undefined;
    let token: string | undefined;
    do {
      const page = (await this.#deps.list(this.#source.path, {
        limit: this.#pageSize,
        continue: token,
        fieldSelector: this.#source.fieldSelector,
        labelSelector: this.#source.labelSelector,
      })) as {
        items?: RawObject[] | null;
        metadata?: { resourceVersion?: string; continue?: string };
      };
      // Every page of a chunked list is the same snapshot; the first page's version names it.
      resourceVersion ??= page.metadata?.resourceVersion;
      for (const item of page.items ?? []) this.#keep(store, item);
      token = page.metadata?.continue || undefined;
    } while (token !== undefined);
    return { store, resourceVersion };
  }

  #keep(store: Map<string, T>, raw: RawObject): void {
    const key = keyOf(raw);
    const projected = this.#source.project(raw);
    if (projected === undefined) store.delete(key);
    else store.set(key, projected);
  }

  #watchOnce(): Promise<WatchEnd> {
    return new Promise<WatchEnd>((resolve) => {
      let settled = false;
      let controller: AbortController | undefined;
      let lastActivity = Date.now();
      const finish = (end: WatchEnd): void => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        this.#abortWatch = undefined;
        controller?.abort();
        resolve(end);
      };
      this.#abortWatch = () => finish({ kind: 'stopped' });
      const watchdog = setInterval(
        () => {
          if (Date.now() - lastActivity > this.#watchdogMs) finish({ kind: 'watchdog' });
        },
        Math.min(5_000, Math.max(50, this.#watchdogMs / 4)),
      );
      watchdog.unref();
      const onEvent = (type: string, object: unknown): void => {
        if (settled) return;
        lastActivity = Date.now();
        const raw = (object ?? {}) as RawObject & { code?: number; message?: string };
        if (type === 'ERROR') {
          const detail = `watch ${this.kind}: ${raw.message ?? 'ERROR event'}`;
          finish(raw.code === 410 ? { kind: 'expired', detail } : { kind: 'error', detail });
          return;
        }
        const rv = raw.metadata?.resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED') this.#keep(this.#store, raw);
        else if (type === 'DELETED') this.#store.delete(keyOf(raw));
        if (rv !== undefined) this.#resourceVersion = rv;
        this.#failures = 0;
        this.#lastError = undefined;
        if (type !== 'BOOKMARK') this.#deps.onChange?.(this.kind);
      };
      const onDone = (error: unknown): void => {
        if (this.#stopping) return finish({ kind: 'stopped' });
        if (error === null || error === undefined) return finish({ kind: 'closed' });
        const detail = `watch ${this.kind}: ${messageOf(error)}`;
        finish(statusOf(error) === 410 ? { kind: 'expired', detail } : { kind: 'error', detail });
      };
      this.#deps.watch
        .watch(
          this.#source.path,
          {
            allowWatchBookmarks: true,
            timeoutSeconds: this.#timeoutSeconds,
            resourceVersion: this.#resourceVersion,
            fieldSelector: this.#source.fieldSelector,
            labelSelector: this.#source.labelSelector,
          },
          onEvent,
          onDone,
        )
        .then(
          (c) => {
            controller = c;
            if (settled) c.abort();
          },
          (error: unknown) => onDone(error ?? new Error('watch failed')),
        );
    });
  }

  /** Exponential with full jitter: a fleet of controllers does not retry in step. */
  #nextBackoff(): number {
    const ceiling = Math.min(this.#backoff.maxMs, this.#backoff.initialMs * 2 ** this.#failures);
    this.#failures = Math.min(this.#failures + 1, 20);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}

export function keyOf(raw: RawObject): string {
  const meta = raw.metadata ?? {};
  return meta.namespace === undefined ? (meta.name ?? '') : `${meta.namespace}/${meta.name ?? ''}`;
}

function statusOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown } | null;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  if (typeof e?.code === 'number') return e.code;
  return undefined;
}

function messageOf(error: unknown): string {
  const status = statusOf(error);
  const text = error instanceof Error ? error.message : String(error);
  return status === undefined || text.includes(String(status)) ? text : `HTTP ${status}: ${text}`;
}
