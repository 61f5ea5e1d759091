// Kubernetes label selectors (`app=web,tier!=db,env in (prod,stage),!legacy`) evaluated locally,
// for the fake reader and for filtering already-listed objects. The API server remains the
// authority for real reads; this follows labels.Parse for the forms kubectl accepts.

export type LabelSelectorMatch = (labels: Readonly<Record<string, string>>) => boolean;

export type ParsedLabelSelector =
  | { readonly ok: true; readonly matches: LabelSelectorMatch }
  | { readonly ok: false; readonly message: string };

const KEY = String.raw`(?:[a-z0-9A-Z.\-]+\/)?[a-zA-Z0-9](?:[-a-zA-Z0-9_.]*[a-zA-Z0-9])?`;
const VALUE = String.raw`(?:[a-zA-Z0-9](?:[-a-zA-Z0-9_.]*[a-zA-Z0-9])?)?`;
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\(([^)]*)\\)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);

export function parseLabelSelector(text: string): ParsedLabelSelector {
  const requirements: LabelSelectorMatch[] = [];
  for (const part of splitTopLevel(text)) {
    const requirement = parseRequirement(part.trim());
    if (requirement === undefined)
      return {
        ok: false,
        message: `invalid label selector requirement ${JSON.stringify(part.trim())}`,
      };
    requirements.push(requirement);
  }
  return { ok: true, matches: (labels) => requirements.every((r) => r(labels)) };
}

function parseRequirement(part: string): LabelSelectorMatch | undefined {
  const equality = EQUALITY.exec(part);
  if (equality) {
    const [, key = '', op, value = ''] = equality;
    return op === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  const set = SET.exec(part);
  if (set) {
    const [, key = '', op, list = ''] = set;
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in'
      ? (labels) => labels[key] !== undefined && values.has(labels[key])
      : (labels) => labels[key] === undefined || !values.has(labels[key]);
  }
  const exists = EXISTS.exec(part);
  if (exists) {
    const [, negated, key = ''] = exists;
    return negated === '!' ? (labels) => !(key in labels) : (labels) => key in labels;
  }
  return undefined;
}

/** Splits on commas outside parentheses; an empty selector selects everything. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  if (current.trim() !== '' || parts.length > 0) parts.push(current);
  return parts;
}
