// Go's filepath.Match for one host label: `*` (any run), `?` (one character), `[…]` classes with
// ranges and `^` negation, `\` escapes. Labels contain no separator, so `*` never spans one.
// Linear two-pointer matching with single-star backtracking: no exponential blow-up.

/** True when `pattern` matches the whole of `name`; a malformed pattern matches nothing. */
export function globMatch(pattern: string, name: string): boolean {
  // Go checks the whole pattern and returns ErrBadPattern even where a match already failed;
  // the kubelet treats that error as "no match".
  if (!wellFormed(pattern)) return false;
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

/**
 * filepath.Match's syntax (Unix): a trailing `\\` is malformed; inside `[...]` every element
 * is a character (maybe escaped) or a `lo-hi` range, none may start with `-` or `]`, and the class
 * must be closed, with at least one element.
 */
export function wellFormed(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) return false;
      i++;
    } else if (c === '[') {
      const end = classEnd(pattern, i + 1);
      if (end < 0) return false;
      i = end;
    }
  }
  return true;
}

/** Index of the `]` closing a class whose body starts at `i`, or -1 when malformed. */
function classEnd(pattern: string, start: number): number {
  let i = pattern[start] === '^' ? start + 1 : start;
  let elements = 0;
  for (;;) {
    if (pattern[i] === ']' && elements > 0) return i;
    const lo = classChar(pattern, i);
    if (lo < 0) return -1;
    i = lo;
    if (pattern[i] === '-') {
      const hi = classChar(pattern, i + 1);
      if (hi < 0) return -1;
      i = hi;
    }
    elements++;
  }
}

/** Go's getEsc: one class character at `i`; the index after it, or -1 when malformed. */
function classChar(pattern: string, i: number): number {
  const c = pattern[i];
  if (c === undefined || c === '-' || c === ']') return -1;
  const next = c === '\\' ? i + 2 : i + 1;
  if (c === '\\' && i + 1 >= pattern.length) return -1;
  // Go also fails when the class runs to the end of the pattern right after this character.
  return next >= pattern.length ? -1 : next;
}
