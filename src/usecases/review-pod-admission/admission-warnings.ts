// Admission warnings as the apiserver accepts them: each a valid HTTP header value (no control
// characters, else it is dropped), kept to 120 characters (it truncates at 256 runes each and
// 4,096 in total), and few: past the cap the rest is summed up in one last line.

export const MAX_WARNING_CHARS = 120;
export const MAX_WARNINGS = 10;

/** One warning line: control characters become spaces, long text ends in `…`. */
export function warningLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  const chars = [...clean];
  return chars.length <= MAX_WARNING_CHARS
    ? clean
    : `${chars.slice(0, MAX_WARNING_CHARS - 1).join('')}…`;
}

/** The warnings to send: cleaned, deduplicated, at most MAX_WARNINGS. */
export function limitWarnings(lines: readonly string[]): string[] {
  const unique = [...new Set(lines.map(warningLine))].filter((l) => l !== '');
  if (unique.length <= MAX_WARNINGS) return unique;
  const kept = unique.slice(0, MAX_WARNINGS - 1);
  return [
    ...kept,
    warningLine(`kube-fresh: ${unique.length - kept.length} more warning(s) not shown`),
  ];
}
