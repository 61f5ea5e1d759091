// Glob patterns for `.kube-fresh.yaml` ignores: `*` matches within one path segment, `**` across
// segments, `?` one character, `{a,b}` alternatives. Compiled to a regular expression once.

const SPECIAL = /[.+^$()|[\]\\]/;

/** Compiles a glob to a predicate over strings (file paths with `/`, or image references). */
export function compileGlob(pattern: string): (text: string) => boolean {
  const source = `^${translate(pattern)}$`;
  const regexp = new RegExp(source);
  return (text) => regexp.test(text);
}

function translate(pattern: string): string {
  let out = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` also matches no directory at all, as in gitignore.
      const slash = pattern[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += SPECIAL.test(c) ? `\\${c}` : c;
  }
  return out + ')'.repeat(braces);
}
