// A client-side token bucket in front of every API request, like client-go's QPS/burst limiter,
// so that a snapshot of a large cluster cannot flood the API server (and trip API Priority and
// Fairness for everyone else).

export interface BudgetSettings {
  /** Sustained requests per second; 0 or Infinity disables the budget. */
  readonly qps: number;
  /** Requests allowed at once before the rate applies. */
  readonly burst: number;
}

export const DEFAULT_BUDGET: BudgetSettings = { qps: 20, burst: 40 };

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Reservation-style bucket (as golang.org/x/time/rate): each take() reserves a token right away,
 * possibly driving the balance negative, and waits until its token has been earned. Concurrent
 * callers therefore queue fairly without polling.
 */
export class RequestBudget {
  readonly #qps: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #updatedAt: number;

  constructor(settings: BudgetSettings = DEFAULT_BUDGET, clock: Clock = realClock) {
    if (!(settings.qps >= 0) || !(settings.burst >= 1)) {
      throw new RangeError(`invalid request budget: qps ${settings.qps}, burst ${settings.burst}`);
    }
    this.#qps = settings.qps;
    this.#burst = settings.burst;
    this.#clock = clock;
    this.#tokens = settings.burst;
    this.#updatedAt = clock.now();
  }

  get unlimited(): boolean {
    return this.#qps === 0 || this.#qps === Infinity;
  }

  /** Resolves when the caller may send one request. */
  async take(): Promise<void> {
    if (this.unlimited) return;
    const now = this.#clock.now();
    const earned = ((now - this.#updatedAt) / 1000) * this.#qps;
    this.#tokens = Math.min(this.#burst, this.#tokens + earned) - 1;
    this.#updatedAt = now;
    if (this.#tokens < 0) await this.#clock.sleep((-this.#tokens / this.#qps) * 1000);
  }
}
