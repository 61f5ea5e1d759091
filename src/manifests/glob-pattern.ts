// Glob patterns for `.kube-fresh.yaml` ignores: `*` matches within one path segment, `**` across
// segments (`**/` also matches no folder at all, as in gitignore), `?` one character, `{a,b}`
// alternatives. A pattern is compiled once into a small automaton (Thompson's construction) and a
// text is matched by stepping a set of states, so matching costs O(text × pattern) whatever the
// pattern: the config comes from the repository, and a backtracking RegExp let a 25-character
// pattern stall `lint` for minutes per path (F-4).

type State =
  | { readonly kind: 'char'; readonly char: string; out: number }
  /** Any character, or any but `/` when `slash` is false. */
  | { readonly kind: 'any'; readonly slash: boolean; out: number }
  | { readonly kind: 'split'; out: number; alt: number }
  | { readonly kind: 'match' };

/** A piece of automaton: its entry state and the states whose `out` is still to be connected. */
interface Fragment {
  readonly start: number;
  readonly ends: readonly Dangling[];
}

type Dangling = { readonly state: number; readonly field: 'out' | 'alt' };

const UNSET = -1;

class Builder {
  readonly states: State[] = [];

  add(state: State): number {
    this.states.push(state);
    return this.states.length - 1;
  }

  patch(ends: readonly Dangling[], target: number): void {
    for (const { state, field } of ends) {
      const node = this.states[state];
      if (node?.kind === 'split') node[field] = target;
      else if (node && node.kind !== 'match') node.out = target;
    }
  }

  /** `a` then `b`. */
  concat(a: Fragment | undefined, b: Fragment): Fragment {
    if (!a) return b;
    this.patch(a.ends, b.start);
    return { start: a.start, ends: b.ends };
  }

  single(state: State & { out: number }): Fragment {
    const index = this.add(state);
    return { start: index, ends: [{ state: index, field: 'out' }] };
  }

  /** Zero or more characters (any, or any but `/`). */
  star(slash: boolean): Fragment {
    const split = this.add({ kind: 'split', out: UNSET, alt: UNSET });
    const any = this.add({ kind: 'any', slash, out: split });
    const node = this.states[split];
    if (node?.kind === 'split') node.out = any;
    return { start: split, ends: [{ state: split, field: 'alt' }] };
  }

  /** `fragment` or nothing. */
  optional(fragment: Fragment): Fragment {
    const split = this.add({ kind: 'split', out: fragment.start, alt: UNSET });
    return { start: split, ends: [...fragment.ends, { state: split, field: 'alt' }] };
  }

  /** One of the alternatives (an empty one matches the empty string). */
  alternatives(options: readonly (Fragment | undefined)[]): Fragment {
    let result: Fragment | undefined;
    for (const option of options) {
      const fragment = option ?? this.epsilon();
      if (!result) {
        result = fragment;
        continue;
      }
      const split = this.add({ kind: 'split', out: result.start, alt: fragment.start });
      result = { start: split, ends: [...result.ends, ...fragment.ends] };
    }
    return result ?? this.epsilon();
  }

  /** Matches the empty string: a split whose two branches are both connected onwards. */
  epsilon(): Fragment {
    const split = this.add({ kind: 'split', out: UNSET, alt: UNSET });
    return {
      start: split,
      ends: [
        { state: split, field: 'out' },
        { state: split, field: 'alt' },
      ],
    };
  }
}

/**
 * Compiles a glob to a predicate over strings (file paths with `/`, or image references).
 * `work.count`, when given, counts state visits (for tests that prove linear work without timing).
 */
export function compileGlob(
  pattern: string,
  work: { count: number } = { count: 0 },
): (text: string) => boolean {
  const builder = new Builder();
  const parsed = parseSequence(pattern, { index: 0 }, builder, 0);
  const match = builder.add({ kind: 'match' });
  const start = parsed ? (builder.patch(parsed.ends, match), parsed.start) : match;
  const states = builder.states;
  return (text) => run(states, start, text, work);
}

/**
 * Parses up to the end of the pattern, or (inside braces) to the `,` or `}` that ends the current
 * alternative. An unclosed `{` is closed at the end, as before; a `}` or `,` outside braces is a
 * literal.
 */
function parseSequence(
  pattern: string,
  cursor: { index: number },
  builder: Builder,
  braces: number,
): Fragment | undefined {
  let fragment: Fragment | undefined;
  while (cursor.index < pattern.length) {
    const c = pattern[cursor.index] ?? '';
    if (braces > 0 && (c === ',' || c === '}')) return fragment;
    cursor.index += 1;
    let next: Fragment;
    if (c === '*' && pattern[cursor.index] === '*') {
      cursor.index += 1;
      if (pattern[cursor.index] === '/') {
        cursor.index += 1;
        next = builder.optional(
          builder.concat(
            builder.star(true),
            builder.single({ kind: 'char', char: '/', out: UNSET }),
          ),
        );
      } else next = builder.star(true);
    } else if (c === '*') {
      next = builder.star(false);
    } else if (c === '?') {
      next = builder.single({ kind: 'any', slash: false, out: UNSET });
    } else if (c === '{') {
      const options: (Fragment | undefined)[] = [];
      for (;;) {
        options.push(parseSequence(pattern, cursor, builder, braces + 1));
        const end = pattern[cursor.index];
        cursor.index += 1;
        if (end !== ',') break; // `}` or the end of the pattern
      }
      next = builder.alternatives(options);
    } else {
      next = builder.single({ kind: 'char', char: c, out: UNSET });
    }
    fragment = builder.concat(fragment, next);
  }
  return fragment;
}

/** Steps the set of live states through `text`: each character costs at most one pass over them. */
function run(
  states: readonly State[],
  start: number,
  text: string,
  work: { count: number },
): boolean {
  let current = new Set<number>();
  addState(states, start, current);
  for (const char of text) {
    const next = new Set<number>();
    for (const index of current) {
      work.count += 1;
      const state = states[index];
      if (!state) continue;
      const accepts =
        (state.kind === 'char' && state.char === char) ||
        (state.kind === 'any' && (state.slash || char !== '/'));
      if (accepts) addState(states, state.out, next);
    }
    if (next.size === 0) return false;
    current = next;
  }
  for (const index of current) if (states[index]?.kind === 'match') return true;
  return false;
}

/** Adds a state and everything reachable from it without reading a character. */
function addState(states: readonly State[], first: number, into: Set<number>): void {
  const pending = [first];
  for (let index = pending.pop(); index !== undefined; index = pending.pop()) {
    if (index === UNSET || into.has(index)) continue;
    into.add(index);
    const state = states[index];
    if (state?.kind === 'split') pending.push(state.alt, state.out);
  }
}
