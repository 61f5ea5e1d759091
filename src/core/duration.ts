// Durations as kubectl and Go write them (`30s`, `5m`, `1h30m`, `500ms`): time.ParseDuration's
// grammar without the sign, as values, so flags and annotations share one parser and one message.

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

export type ParsedDuration =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

/** A positive Go duration; a bare `0` or a unit-less number is refused, as Go refuses it. */
export function parseDuration(text: string): ParsedDuration {
  const trimmed = text.trim();
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let ms = 0;
  let at = 0;
  while (at < trimmed.length) {
    part.lastIndex = at;
    const match = part.exec(trimmed);
    if (match === null) break;
    ms += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
    at = part.lastIndex;
  }
  if (trimmed.length === 0 || at !== trimmed.length || !Number.isFinite(ms) || ms <= 0)
    return {
      ok: false,
      message: `${JSON.stringify(text)} is not a positive duration such as 30s, 5m or 1h30m`,
    };
  return { ok: true, ms };
}
