// Reading composed YAML nodes the way Kubernetes' decoder sees them: aliases resolved and `<<` merge
// keys honoured (own keys first, then merged maps in order), while remembering which map really
// holds a key, because that is where an edit has to go.

import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
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

/** Follows an alias to the node it names; other nodes are returned as they are. */
export function resolveNode(node: unknown, doc: Document): Node | undefined {
  if (isAlias(node)) return node.resolve(doc);
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
