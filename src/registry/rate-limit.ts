// Docker Hub's pull-quota headers: `ratelimit-limit: 100;w=21600`, `ratelimit-remaining: 76;w=21600`.
// Read the numbers from the headers; never hard-code them (semantics doc §6.6).

export interface RateLimitState {
  readonly limit: number;
  readonly remaining: number;
  readonly windowSeconds: number | undefined;
}

/** Parses the pair of headers; undefined when the registry sent none (no limit applies). */
export function parseRateLimit(
  limitHeader: string | undefined,
  remainingHeader: string | undefined,
): RateLimitState | undefined {
  const limit = parseQuota(limitHeader);
  const remaining = parseQuota(remainingHeader);
  if (limit === undefined || remaining === undefined) return undefined;
  return {
    limit: limit.value,
    remaining: remaining.value,
    windowSeconds: remaining.window ?? limit.window,
  };
}

/** True when spending more of the quota would leave less than the reserve for the nodes. */
export function quotaNearlySpent(
  state: RateLimitState | undefined,
  reserveFraction: number,
): boolean {
  if (state === undefined) return false;
  const reserve = Math.max(1, Math.ceil(state.limit * reserveFraction));
  return state.remaining <= reserve;
}

export function describeRateLimit(state: RateLimitState): string {
  const window =
    state.windowSeconds === undefined ? '' : ` per ${formatWindow(state.windowSeconds)}`;
  return `${state.remaining} of ${state.limit} pulls left${window}`;
}

function parseQuota(
  header: string | undefined,
): { value: number; window: number | undefined } | undefined {
  if (header === undefined) return undefined;
  const [countText, ...params] = header.split(';');
  const value = Number(countText?.trim());
  if (!Number.isFinite(value) || countText?.trim() === '') return undefined;
  const windowParam = params.map((p) => p.trim()).find((p) => p.startsWith('w='));
  const window = windowParam === undefined ? undefined : Number(windowParam.slice(2));
  return { value, window: window !== undefined && Number.isFinite(window) ? window : undefined };
}

function formatWindow(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
