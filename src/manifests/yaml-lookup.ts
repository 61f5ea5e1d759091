// Reading composed YAML nodes the way Kubernetes' decoder sees them: aliases resolved and `<<` merge
// keys honoured (own keys first, then merged maps in order), while remembering which map really
// holds a key, because that is where an edit has to go.
//
// Aliases are resolved through one anchor index per document, built in a single pass: `yaml`'s own
// `Alias.resolve` walks the whole document on every call, which made alias- and merge-heavy files
// quadratic (F-3). Following aliases is also budgeted, like `yaml`'s `maxAliasCount` for `toJS`, so
// an alias bomb (aliases of lists of aliases…) is a clear per-document error, not hours of work.

import {
  isAlias,
  isPair,
  isMap,
  isScalar,
  isSeq,
  type Alias,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';

/** A key found in a map, and the map that holds it (the map itself or a merged one). */
export interface FoundPair {
  readonly pair: Pair<Scalar, unknown>;
  readonly holder: YAMLMap;
}

/** How many aliases one document may follow while its containers are found. */
export const MAX_ALIAS_EXPANSIONS = 150_000;

/** Thrown when a document follows more than MAX_ALIAS_EXPANSIONS aliases: almost surely a bomb. */
export class AliasBudgetExceeded extends Error {
  override readonly name = 'AliasBudgetExceeded';
  constructor() {
    super(
      `more than ${MAX_ALIAS_EXPANSIONS.toLocaleString('en-US')} alias expansions (an alias bomb?); not judged`,
    );
  }
}

/** Every alias of a document and the node it names, in one pass; the expansions counted so far. */
export interface AnchorIndex {
  readonly targets: ReadonlyMap<Alias, Node | undefined>;
  /** Aliases with no earlier anchor of their name, in document order. */
  readonly unknown: readonly Alias[];
  expansions: number;
}

const indexes = new WeakMap<Document, AnchorIndex>();

/**
 * The document's anchor index, built on first use. An alias names the last node anchored with its
 * name before it in document order, as `Alias.resolve` and YAML 1.2 say (a collection's anchor
 * comes before its content, so `&a [*a]` names the collection itself).
 */
export function anchorIndex(doc: Document): AnchorIndex {
  const cached = indexes.get(doc);
  if (cached) return cached;
  const targets = new Map<Alias, Node | undefined>();
  const unknown: Alias[] = [];
  const anchors = new Map<string, Node>();
  // An explicit stack, children pushed in reverse, visits in document order without recursion.
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      targets.set(node, target);
      if (target === undefined) unknown.push(node);
      continue;
    }
    if (isPair(node)) {
      stack.push(node.value, node.key);
      continue;
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) continue;
    if (node.anchor) anchors.set(node.anchor, node);
    if (isMap(node) || isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
    }
  }
  const index = { targets, unknown, expansions: 0 };
  indexes.set(doc, index);
  return index;
}

/**
 * Counts one unit of work done for a document that has aliases (a List item, a container): what
 * an alias names is walked again at every alias, so this, with the follows themselves, is what a
 * bomb multiplies. Documents without aliases are linear and not counted.
 */
export function chargeExpansion(doc: Document): void {
  const index = indexes.get(doc);
  if (!index) return;
  index.expansions += 1;
  if (index.expansions > MAX_ALIAS_EXPANSIONS) throw new AliasBudgetExceeded();
}

/** Follows an alias to the node it names; other nodes are returned as they are. */
export function resolveNode(node: unknown, doc: Document): Node | undefined {
  if (isAlias(node)) {
    const index = anchorIndex(doc);
    index.expansions += 1;
    if (index.expansions > MAX_ALIAS_EXPANSIONS) throw new AliasBudgetExceeded();
    return index.targets.get(node);
  }
  return isScalar(node) || isMap(node) || isSeq(node) ? node : undefined;
}

export function asMap(node: unknown, doc: Document): YAMLMap | undefined {
  const resolved = resolveNode(node, doc);
  return isMap(resolved) ? resolved : undefined;
}

export function asSeq(node: unknown, doc: Document): YAMLSeq | undefined {
  const resolved = resolveNode(node, doc);
  return isSeq(resolved) ? resolved : undefined;
}

/** The string value of a scalar (after alias resolution), or undefined for anything else. */
export function asString(node: unknown, doc: Document): string | undefined {
  const resolved = resolveNode(node, doc);
  return isScalar(resolved) && typeof resolved.value === 'string' ? resolved.value : undefined;
}

/** Finds `key` in `map`, looking through `<<` merge keys as Kubernetes' YAML decoder does. */
export function findPair(
  map: YAMLMap,
  key: string,
  doc: Document,
  depth = 0,
): FoundPair | undefined {
  const merged: YAMLMap[] = [];
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    if (pair.key.value === key) return { pair: pair as Pair<Scalar, unknown>, holder: map };
    if (isMergeKey(pair.key)) merged.push(...mergedMaps(pair.value, doc));
  }
  // Merge chains are short in practice; the bound only guards against pathological self-merges.
  if (depth > 16) return undefined;
  for (const base of merged) {
    const found = findPair(base, key, doc, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The value node under `key` (aliases not yet resolved). */
export function getValue(map: YAMLMap, key: string, doc: Document): unknown {
  return findPair(map, key, doc)?.pair.value;
}

/** Walks a path of keys through maps. */
export function getMapAt(
  map: YAMLMap,
  path: readonly string[],
  doc: Document,
): YAMLMap | undefined {
  let current: YAMLMap | undefined = map;
  for (const key of path) {
    if (!current) return undefined;
    current = asMap(getValue(current, key, doc), doc);
  }
  return current;
}

function isMergeKey(key: Scalar): boolean {
  return typeof key.value === 'symbol' || key.source === '<<';
}

function mergedMaps(value: unknown, doc: Document): YAMLMap[] {
  const single = asMap(value, doc);
  if (single) return [single];
  const seq = asSeq(value, doc);
  if (!seq) return [];
  return seq.items.flatMap((item) => {
    const map = asMap(item, doc);
    return map ? [map] : [];
  });
}
