// In-file suppressions: `# kube-fresh-ignore KF001` on the image's line or on the line above.
// Several IDs may be listed (`KF001 KF004` or `KF001,KF004`), text after `--` is a free reason, and a
// bare `# kube-fresh-ignore` silences every rule. IDs that are not rule IDs are ignored, so a typo
// never silences everything.

import { isRuleId, type RuleId } from './lint-rules.ts';
import type { SourceComment, SourcePosition } from './parse-manifests.ts';

const MARKER = /^#\s*kube-fresh-ignore(?:\s+(.*))?$/;

/** Which rules are silenced on which 1-based line. */
export type Suppressions = ReadonlyMap<number, 'all' | ReadonlySet<RuleId>>;

/** Reads the suppression comments of a file. */
export function readSuppressions(
  comments: readonly SourceComment[],
  position: (offset: number) => SourcePosition,
): Suppressions {
  const byLine = new Map<number, 'all' | Set<RuleId>>();
  for (const comment of comments) {
    const rules = parseMarker(comment.source.trimEnd());
    if (rules === undefined) continue;
    const line = position(comment.offset).line;
    const existing = byLine.get(line);
    if (rules === 'all' || existing === 'all') byLine.set(line, 'all');
    else byLine.set(line, new Set([...(existing ?? []), ...rules]));
  }
  return byLine;
}

/** True when a finding of `rule` on `line` is silenced by that line or the one above. */
export function isSuppressed(suppressions: Suppressions, rule: RuleId, line: number): boolean {
  return [line, line - 1].some((candidate) => {
    const rules = suppressions.get(candidate);
    return rules === 'all' || (rules?.has(rule) ?? false);
  });
}

/** `undefined` when the comment is not a suppression. */
function parseMarker(comment: string): 'all' | RuleId[] | undefined {
  const match = MARKER.exec(comment);
  if (!match) return undefined;
  const list = (match[1] ?? '').split('--')[0] ?? '';
  const words = list.split(/[\s,]+/).filter((word) => word.length > 0);
  if (words.length === 0) return 'all';
  const rules = words.filter(isRuleId);
  return rules.length === 0 ? undefined : rules;
}
