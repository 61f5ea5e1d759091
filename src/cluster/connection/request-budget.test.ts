import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestBudget, type Clock } from './request-budget.ts';

/** A clock that only moves when a caller sleeps (unless `frozen`), recording each wait. */
function fakeClock(frozen = false): Clock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: (ms) => {
      waits.push(Math.round(ms));
      if (!frozen) now += ms;
      return Promise.resolve();
    },
  };
}

describe('RequestBudget', () => {
  it('lets a burst through at once, then spaces requests at the QPS', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget({ qps: 10, burst: 3 }, clock);
    for (let i = 0; i < 6; i++) await budget.take();
    assert.deepEqual(clock.waits, [100, 100, 100]);
  });

  it('queues concurrent callers fairly by reservation', async () => {
    const clock = fakeClock(true); // all three arrive at the same instant
    const budget = new RequestBudget({ qps: 2, burst: 1 }, clock);
    const order: number[] = [];
    await Promise.all([0, 1, 2].map(async (i) => budget.take().then(() => order.push(i))));
    assert.deepEqual(order, [0, 1, 2]);
    assert.deepEqual(clock.waits, [500, 1000]);
  });

  it('refills while idle, but never beyond the burst', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget({ qps: 1, burst: 2 }, clock);
    await budget.take();
    await budget.take();
    await clock.sleep(10_000);
    clock.waits.length = 0;
    for (let i = 0; i < 3; i++) await budget.take();
    assert.deepEqual(clock.waits, [1000]);
  });

  it('qps 0 means no budget, and bad settings are refused', async () => {
    const clock = fakeClock();
    const budget = new RequestBudget({ qps: 0, burst: 1 }, clock);
    for (let i = 0; i < 100; i++) await budget.take();
    assert.deepEqual(clock.waits, []);
    assert.throws(() => new RequestBudget({ qps: 5, burst: 0 }), RangeError);
    assert.throws(() => new RequestBudget({ qps: -1, burst: 1 }), RangeError);
  });
});
