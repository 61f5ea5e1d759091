// The reflector's recovery rules, driven through its narrow list/watch port with a scripted fake:
// 410 Gone as an HTTP status and as an in-stream ERROR both relist; any other failure backs off
// and watches again from the kept resourceVersion; a silent watch is restarted by the watchdog;
// stop() ends everything. The real API server part is test/controller/cluster-watches.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reflector, type RawObject, type ReflectorDeps, type RestartReason } from './reflector.ts';

type WatchScript = (
  query: Record<string, unknown>,
  emit: (type: string, object: unknown) => void,
  done: (error: unknown) => void,
) => void;

function pod(name: string, rv: string): RawObject {
  return { metadata: { name, namespace: 'ns', resourceVersion: rv } };
}

function fakeApi(lists: Array<() => unknown>, watches: WatchScript[]) {
  const calls = { lists: 0, watches: [] as Array<Record<string, unknown>> };
  const deps: ReflectorDeps = {
    list: () => {
      const next = lists[Math.min(calls.lists, lists.length - 1)];
      calls.lists++;
      return new Promise((resolve) => resolve(next?.()));
    },
    watch: {
      watch: (_path, query, onEvent, onDone) => {
        const script = watches[Math.min(calls.watches.length, watches.length - 1)];
        calls.watches.push(query);
        const controller = new AbortController();
        let ended = false;
        const done = (error: unknown): void => {
          if (ended) return;
          ended = true;
          onDone(error);
        };
        controller.signal.addEventListener('abort', () => done(new Error('aborted')));
        setImmediate(() =>
          script?.(query as Record<string, unknown>, (t, o) => !ended && onEvent(t, o, {}), done),
        );
        return Promise.resolve(controller);
      },
    },
  };
  return { deps, calls };
}

const list =
  (rv: string, ...items: RawObject[]) =>
  () => ({ metadata: { resourceVersion: rv }, items });
const hang: WatchScript = () => undefined;

async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function reflector(deps: ReflectorDeps, restarts: RestartReason[], watchdogMs = 60_000) {
  return new Reflector(
    { kind: 'Pod', path: '/api/v1/pods', project: (raw) => raw.metadata?.name },
    { ...deps, onRestart: (_k, reason) => restarts.push(reason) },
    { backoff: { initialMs: 5, maxMs: 20 }, watchdogMs },
  );
}

describe('Reflector', () => {
  it('watches from the list resourceVersion with bookmarks and a timeout, and applies events', async () => {
    const { deps, calls } = fakeApi(
      [list('10', pod('a', '9'))],
      [
        (_q, emit) => {
          emit('ADDED', pod('b', '11'));
          emit('DELETED', pod('a', '12'));
          emit('BOOKMARK', { metadata: { resourceVersion: '15' } });
        },
      ],
    );
    const r = reflector(deps, []);
    r.start();
    await until(() => r.resourceVersion === '15', 'bookmark applied');
    assert.deepEqual([...r.values()], ['b']);
    assert.equal(calls.watches[0]?.resourceVersion, '10');
    assert.equal(calls.watches[0]?.allowWatchBookmarks, true);
    assert.equal(calls.watches[0]?.timeoutSeconds, 300);
    await r.stop();
  });

  for (const [name, gone] of [
    [
      'an HTTP 410',
      ((_q, _e, done) =>
        done(Object.assign(new Error('Gone'), { statusCode: 410 }))) as WatchScript,
    ],
    [
      'an in-stream ERROR 410',
      ((_q, emit) =>
        emit('ERROR', { code: 410, message: 'too old resource version' })) as WatchScript,
    ],
  ] as const) {
    it(`relists on ${name}, dropping objects deleted meanwhile`, async () => {
      const { deps, calls } = fakeApi(
        [list('10', pod('a', '9'), pod('b', '9')), list('30', pod('b', '25'))],
        [gone, hang],
      );
      const restarts: RestartReason[] = [];
      const r = reflector(deps, restarts);
      r.start();
      await until(() => calls.lists === 2 && r.resourceVersion === '30', 'relisted');
      assert.deepEqual([...r.values()], ['b']);
      assert.ok(restarts.includes('expired'));
      await until(() => calls.watches.length === 2, 'watching again');
      assert.equal(calls.watches[1]?.resourceVersion, '30');
      await r.stop();
    });
  }

  it('backs off on other errors and resumes from the kept resourceVersion without relisting', async () => {
    const { deps, calls } = fakeApi(
      [list('10', pod('a', '9'))],
      [
        (_q, _e, done) =>
          done(Object.assign(new Error('Internal Server Error'), { statusCode: 500 })),
        (_q, _e, done) => done(new Error('ECONNREFUSED')),
        hang,
      ],
    );
    const restarts: RestartReason[] = [];
    const r = reflector(deps, restarts);
    r.start();
    await until(() => calls.watches.length === 3, 'third watch');
    assert.equal(calls.lists, 1);
    assert.deepEqual(
      calls.watches.map((q) => q.resourceVersion),
      ['10', '10', '10'],
    );
    assert.deepEqual(restarts, ['error', 'error']);
    await r.stop();
  });

  it('retries a failed first list with backoff and is not synced until one succeeds', async () => {
    let fail = true;
    const { deps } = fakeApi(
      [
        () => {
          if (fail) throw Object.assign(new Error('Forbidden'), { code: 403 });
          return { metadata: { resourceVersion: '5' }, items: [] };
        },
      ],
      [hang],
    );
    const r = reflector(deps, []);
    r.start();
    await until(() => r.lastError !== undefined, 'first failure');
    assert.equal(r.synced, false);
    assert.match(r.lastError ?? '', /403|Forbidden/);
    fail = false;
    await until(() => r.synced, 'synced after retry');
    await r.stop();
  });

  it('restarts a silent watch after the watchdog period', async () => {
    const { deps, calls } = fakeApi([list('10')], [hang]);
    const restarts: RestartReason[] = [];
    const r = reflector(deps, restarts, 100);
    r.start();
    await until(() => calls.watches.length >= 2, 'watchdog restart');
    assert.ok(restarts.includes('watchdog'));
    await r.stop();
  });

  it('stop() ends a hanging watch and a backoff wait', async () => {
    const { deps, calls } = fakeApi([list('10')], [hang]);
    const r = reflector(deps, []);
    r.start();
    await until(() => calls.watches.length === 1, 'watching');
    await r.stop();
    const watched = calls.watches.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(calls.watches.length, watched);
  });
});
