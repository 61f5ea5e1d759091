// The HTTP layer under every client-node API call: the request budget (QPS/burst), a timeout
// (client-node 1.4 sets none, so a black-holed server would hang forever), a User-Agent, the
// request count, and client-go's retry of 429/5xx answers that carry Retry-After.

import {
  ResponseContext,
  wrapHttpLibrary,
  type HttpLibrary,
  type RequestContext,
} from '@kubernetes/client-node';
import fetch from 'node-fetch';
import type { RequestStats } from '../read/cluster-reader.ts';
import type { RequestBudget } from './request-budget.ts';

export interface TransportSettings {
  readonly budget: RequestBudget;
  readonly timeoutMs: number;
  readonly userAgent: string;
  /** Called on every 401, so cached exec credentials are dropped. */
  readonly onUnauthorized?: (() => void) | undefined;
  readonly maxRetries?: number;
}

const MAX_RETRY_AFTER_SECONDS = 10;
/** One API answer (a list page of 500 Pods is a few MB); an endless body stops here (F-15). */
export const MAX_API_BODY_BYTES = 256 * 1024 * 1024;
const MAX_LOG = 10_000;

export class RequestRecorder {
  #requests = 0;
  readonly #log: string[] = [];

  record(request: RequestContext): void {
    this.#requests++;
    if (this.#log.length < MAX_LOG) {
      const url = new URL(request.getUrl());
      this.#log.push(`${request.getHttpMethod()} ${url.pathname}`);
    }
  }

  stats(): RequestStats {
    return { requests: this.#requests, log: [...this.#log] };
  }
}

export function budgetedHttpLibrary(
  inner: HttpLibrary,
  settings: TransportSettings,
  recorder: RequestRecorder,
): HttpLibrary {
  const maxRetries = settings.maxRetries ?? 3;
  return wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      for (let attempt = 0; ; attempt++) {
        await settings.budget.take();
        recorder.record(request);
        request.setHeaderParam('User-Agent', settings.userAgent);
        request.setSignal(AbortSignal.timeout(settings.timeoutMs));
        const response = await inner.send(request).toPromise();
        if (response.httpStatusCode === 401) settings.onUnauthorized?.();
        const wait = attempt < maxRetries ? retryAfterSeconds(response) : undefined;
        if (wait === undefined) return response;
        await response.body.text().catch(() => undefined); // drain before retrying
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      }
    },
  });
}

/**
 * client-node's own fetch library, plus node-fetch's `size` cap: its library reads any body whole,
 * so an endless answer grew to gigabytes before the timeout. An over-size body fails with
 * node-fetch's `max-size` FetchError, which api-failure.ts reports.
 */
export function boundedFetchHttpLibrary(maxBytes = MAX_API_BODY_BYTES): HttpLibrary {
  return wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      const response = await fetch(request.getUrl(), {
        method: request.getHttpMethod().toString(),
        body: request.getBody() as string | URLSearchParams | undefined,
        headers: request.getHeaders(),
        signal: request.getSignal() as never,
        agent: request.getAgent(),
        size: maxBytes,
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return new ResponseContext(response.status, headers, {
        text: () => response.text(),
        binary: () => response.buffer(),
      });
    },
  });
}

/** client-go checkWait: 429 or 5xx with a Retry-After in seconds (capped). */
function retryAfterSeconds(response: ResponseContext): number | undefined {
  const status = response.httpStatusCode;
  if (status !== 429 && (status < 500 || status > 599)) return undefined;
  const header = response.headers['retry-after'];
  const seconds = header === undefined ? NaN : Number(header);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(seconds, MAX_RETRY_AFTER_SECONDS);
}
