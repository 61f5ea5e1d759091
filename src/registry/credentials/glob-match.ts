// Go's filepath.Match for one host label: `*` (any run), `?` (one character), `[…]` classes with
// ranges and `^` negation, `\` escapes. Labels contain no separator, so `*` never spans one.
// Linear two-pointer matching with single-star backtracking: no exponential blow-up.

/** True when `pattern` matches the whole of `name`; a malformed pattern matches nothing. */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starP = -1;
  let starN = 0;
  while (n < name.length) {
    const step = matchOne(pattern, p, name[n] ?? '');
    if (step > 0) {
      p += step;
      n++;
    } else if (pattern[p] === '*') {
      starP = ++p;
      starN = n;
    } else if (starP >= 0) {
      p = starP;
      n = ++starN;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Length of the pattern element at `p` if it matches `c`, else 0. */
function matchOne(pattern: string, p: number, c: string): number {
  const head = pattern[p];
  if (head === undefined || head === '*') return 0;
  if (head === '?') return 1;
  if (head === '\\') return pattern[p + 1] === c ? 2 : 0;
  if (head !== '[') return head === c ? 1 : 0;
  return matchClass(pattern, p, c);
}

function matchClass(pattern: string, start: number, c: string): number {
  let i = start + 1;
  const negated = pattern[i] === '^';
  if (negated) i++;
  let matched = false;
  let first = true;
  while (i < pattern.length && (pattern[i] !== ']' || first)) {
    first = false;
    const range = readRange(pattern, i);
    if (range.lo <= c && c <= range.hi) matched = true;
    i = range.next;
  }
  if (pattern[i] !== ']') return 0; // unterminated class: Go returns ErrBadPattern
  return matched !== negated ? i - start + 1 : 0;
}

/** One class element at `i`: a character (maybe escaped) or a `lo-hi` range. */
function readRange(pattern: string, i: number): { lo: string; hi: string; next: number } {
  const [lo, afterLo] = readClassChar(pattern, i);
  if (pattern[afterLo] !== '-' || pattern[afterLo + 1] === ']' || afterLo + 1 >= pattern.length) {
    return { lo, hi: lo, next: afterLo };
  }
  const [hi, afterHi] = readClassChar(pattern, afterLo + 1);
  return { lo, hi, next: afterHi };
}

function readClassChar(pattern: string, i: number): [string, number] {
  return pattern[i] === '\\' ? [pattern[i + 1] ?? '', i + 2] : [pattern[i] ?? '', i + 1];
}
