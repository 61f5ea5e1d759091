import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HttpMethod,
  RequestContext,
  ResponseContext,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import { budgetedHttpLibrary, RequestRecorder } from './api-transport.ts';
import { RequestBudget } from './request-budget.ts';

/** An HTTP library that answers from a script and records what it was sent. */
function scripted(answers: { status: number; headers?: Record<string, string> }[]) {
  const seen: { userAgent: string | undefined; signal: boolean }[] = [];
  const library = wrapHttpLibrary({
    send(request: RequestContext) {
      seen.push({
        userAgent: request.getHeaders()['User-Agent'],
        signal: request.getSignal() !== undefined,
      });
      const answer = answers.shift() ?? { status: 200 };
      const body = {
        text: () => Promise.resolve('{}'),
        binary: () => Promise.resolve(Buffer.alloc(0)),
      };
      return Promise.resolve(new ResponseContext(answer.status, answer.headers ?? {}, body));
    },
  });
  return { library, seen };
}

const settings = (extra: Partial<Parameters<typeof budgetedHttpLibrary>[1]> = {}) => ({
  budget: new RequestBudget({ qps: 0, burst: 1 }),
  timeoutMs: 1_000,
  userAgent: 'kube-fresh-test',
  ...extra,
});
const send = (library: ReturnType<typeof budgetedHttpLibrary>) =>
  library
    .send(new RequestContext('https://k8s.example/api/v1/pods?limit=500', HttpMethod.GET))
    .toPromise();

describe('budgetedHttpLibrary', () => {
  it('sets a User-Agent and a timeout signal, and records each request without its query', async () => {
    const { library, seen } = scripted([{ status: 200 }]);
    const recorder = new RequestRecorder();
    const response = await send(budgetedHttpLibrary(library, settings(), recorder));
    assert.equal(response.httpStatusCode, 200);
    assert.deepEqual(seen, [{ userAgent: 'kube-fresh-test', signal: true }]);
    assert.deepEqual(recorder.stats(), { requests: 1, log: ['GET /api/v1/pods'] });
  });

  it('retries 429 and 5xx answers that carry Retry-After, like client-go', async () => {
    const { library } = scripted([
      { status: 429, headers: { 'retry-after': '0' } },
      { status: 503, headers: { 'retry-after': '0' } },
      { status: 200 },
    ]);
    const recorder = new RequestRecorder();
    assert.equal(
      (await send(budgetedHttpLibrary(library, settings(), recorder))).httpStatusCode,
      200,
    );
    assert.equal(recorder.stats().requests, 3);
  });

  it('does not retry without Retry-After or beyond the retry limit', async () => {
    const plain = scripted([{ status: 503 }]);
    assert.equal(
      (await send(budgetedHttpLibrary(plain.library, settings(), new RequestRecorder())))
        .httpStatusCode,
      503,
    );
    const busy = scripted(
      Array.from({ length: 5 }, () => ({ status: 429, headers: { 'retry-after': '0' } })),
    );
    const recorder = new RequestRecorder();
    const response = await send(
      budgetedHttpLibrary(busy.library, settings({ maxRetries: 2 }), recorder),
    );
    assert.equal(response.httpStatusCode, 429);
    assert.equal(recorder.stats().requests, 3);
  });

  it('tells the credential source about a 401', async () => {
    let invalidated = 0;
    const { library } = scripted([{ status: 401 }]);
    await send(
      budgetedHttpLibrary(
        library,
        settings({ onUnauthorized: () => invalidated++ }),
        new RequestRecorder(),
      ),
    );
    assert.equal(invalidated, 1);
  });
});
