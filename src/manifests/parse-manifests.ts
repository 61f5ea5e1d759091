// Multi-document YAML as kube-fresh reads it: the composed documents (for meaning), the lossless CST
// (for byte-exact edits), comments (for suppressions) and 1-based positions. A document that does
// not parse is kept as a value with its errors, so one broken Helm template never hides the rest.

import { Composer, CST, LineCounter, Parser, type Document } from 'yaml';
import { findContainerSites, type ContainerSite } from './find-image-fields.ts';
import { AliasBudgetExceeded, anchorIndex } from './yaml-lookup.ts';

/** A 1-based line and column. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface ManifestParseError extends SourcePosition {
  /** 0-based index of the document in the file. */
  readonly documentIndex: number;
  /** The `yaml` library's error code, e.g. `BAD_INDENT`. */
  readonly code: string;
  readonly message: string;
}

export interface ManifestDocument {
  /** 0-based index of the document in the file. */
  readonly index: number;
  readonly document: Document.Parsed;
  /** False when the document has parse errors: kube-fresh then neither judges nor edits it. */
  readonly ok: boolean;
  /** Its containers (found once, while parsing, within the alias budget); empty when not ok. */
  readonly sites: readonly ContainerSite[];
}

export interface SourceComment {
  readonly offset: number;
  /** The comment text including the leading `#`. */
  readonly source: string;
}

export interface ParsedManifests {
  readonly text: string;
  readonly documents: readonly ManifestDocument[];
  readonly errors: readonly ManifestParseError[];
  readonly comments: readonly SourceComment[];
  /** The 1-based line and column of an offset into `text`. */
  position(offset: number): SourcePosition;
  /** True when the node starting at `offset` sits inside a flow collection (`{…}` or `[…]`). */
  isInFlow(offset: number): boolean;
}

/**
 * Options matching how Kubernetes' YAML decoder reads manifests: `<<` merge keys are honoured.
 * Source tokens are not kept: node ranges locate every edit, and dropping the CST after each
 * document halves the memory of a 10,000-document file.
 */
const COMPOSE_OPTIONS = { keepSourceTokens: false, merge: true } as const;

/**
 * How deep collections may nest. Kubernetes objects, CRD schemas included, stay far below; `yaml`'s
 * composer recurses per level and overflows the stack near 1,000, so deeper documents are refused
 * up front, per document, instead of crashing or surfacing a raw "Maximum call stack size".
 */
export const MAX_NESTING = 256;

/** Parses every document of a YAML stream. Never throws for bad YAML: errors are values. */
export function parseManifests(text: string): ParsedManifests {
  const lineCounter = new LineCounter();
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const scan: TokenScan = { comments: [], flowScalars: new Set(), aliasCount: 0 };
  /** Document offset → the offset where it nests too deep. */
  const tooDeep = new Map<number, number>();
  /** Offsets of the documents that contain an alias: only they need an anchor index. */
  const withAliases = new Set<number>();
  const composer = new Composer(COMPOSE_OPTIONS);
  const composed: Document.Parsed[] = [];
  /** Where the parser gave up, when block nesting overflowed its own (recursive) stack. */
  let unreadFrom: number | undefined;
  let lastDocument: CST.Document | undefined;
  // Tokens stream from the parser to the composer one document at a time, so the CST of the
  // whole file never exists at once.
  try {
    for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
      const aliasesBefore = scan.aliasCount;
      const deep = scanToken(token, scan);
      if (token.type !== 'document') {
        composed.push(...composer.next(token));
        continue;
      }
      lastDocument = token;
      if (scan.aliasCount > aliasesBefore) withAliases.add(token.offset);
      if (deep !== undefined) {
        // Compose an empty document in its place, so document indexes stay right.
        tooDeep.set(token.offset, deep);
        composed.push(...composer.next({ ...token, value: undefined, end: [] }));
        continue;
      }
      composed.push(...composer.next(token));
    }
  } catch (error) {
    // `yaml`'s parser recurses per block level and overflows a few thousand levels down, before
    // handing us the document; the documents before it are kept, the rest of the file is an error.
    if (!(error instanceof RangeError)) throw error;
    unreadFrom = lastDocument ? lastDocument.offset + CST.stringify(lastDocument).length : 0;
  }
  composed.push(...composer.end());
  const documents: ManifestDocument[] = [];
  const errors: ManifestParseError[] = [];
  for (const document of composed) {
    const index = documents.length;
    const start = document.range[0];
    const deep = tooDeep.get(start);
    const checked = checkDocument(index, document, deep, withAliases.has(start));
    documents.push(checked.manifest);
    for (const { code, message, offset } of checked.errors) {
      errors.push({ documentIndex: index, code, message, ...position(offset) });
    }
  }
  if (unreadFrom !== undefined) {
    const message = `nesting deeper than ${MAX_NESTING} levels; the rest of the file was not read`;
    const where = position(unreadFrom);
    errors.push({ documentIndex: documents.length, code: 'TOO_DEEP', message, ...where });
  }
  return {
    text,
    documents,
    errors,
    comments: scan.comments,
    position,
    isInFlow: (offset) => scan.flowScalars.has(offset),
  };
}

interface OffsetError {
  readonly code: string;
  readonly message: string;
  readonly offset: number;
}

/** A composed document's errors (its own, too deep, unknown aliases, alias budget) and sites. */
function checkDocument(
  index: number,
  document: Document.Parsed,
  tooDeepAt: number | undefined,
  hasAliases: boolean,
): { manifest: ManifestDocument; errors: OffsetError[] } {
  const message = `nesting deeper than ${MAX_NESTING} levels`;
  const errors: OffsetError[] =
    tooDeepAt === undefined
      ? document.errors.map(({ code, message, pos }) => ({ code, message, offset: pos[0] }))
      : [{ code: 'TOO_DEEP', message, offset: tooDeepAt }];
  if (errors.length === 0 && hasAliases) errors.push(...findUnknownAliases(document));
  let sites: readonly ContainerSite[] = [];
  if (errors.length === 0) {
    try {
      sites = findContainerSites(index, document);
    } catch (error) {
      if (!(error instanceof AliasBudgetExceeded)) throw error;
      errors.push({ code: 'ALIAS_BUDGET', message: error.message, offset: document.range[0] });
    }
  }
  return { manifest: { index, document, ok: errors.length === 0, sites }, errors };
}

/** Kubernetes' decoder refuses `*name` without an earlier `&name`; `yaml` only notices on toJS. */
function findUnknownAliases(document: Document.Parsed): OffsetError[] {
  return anchorIndex(document).unknown.map((alias) => ({
    code: 'BAD_ALIAS',
    message: `unknown anchor: *${alias.source} has no &${alias.source} before it`,
    offset: alias.range?.[0] ?? 0,
  }));
}

/** What one pass over the CST collects: comments, and the offsets of scalars in flow collections. */
interface TokenScan {
  readonly comments: SourceComment[];
  readonly flowScalars: Set<number>;
  /** Alias tokens seen so far. */
  aliasCount: number;
}

interface Pending {
  readonly token: CST.Token;
  readonly inFlow: boolean;
  readonly depth: number;
}

/**
 * Walks one top-level token with an explicit stack (hostile nesting must not overflow ours), and
 * returns the offset of the first collection nested deeper than MAX_NESTING, if any; nothing
 * below that collection is visited.
 */
function scanToken(top: CST.Token, scan: TokenScan): number | undefined {
  let tooDeep: number | undefined;
  const stack: Pending[] = [{ token: top, inFlow: false, depth: 0 }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const deep = visitPending(next, stack, scan);
    tooDeep ??= deep;
  }
  return tooDeep;
}

/** Records one token and pushes its children; returns its offset if it nests too deep. */
function visitPending(pending: Pending, stack: Pending[], scan: TokenScan): number | undefined {
  const { token, inFlow, depth } = pending;
  switch (token.type) {
    case 'comment':
      scan.comments.push({ offset: token.offset, source: token.source });
      return undefined;
    case 'document':
      pushAll(stack, token.end, inFlow, depth);
      if (token.value) stack.push({ token: token.value, inFlow, depth });
      pushAll(stack, token.start, inFlow, depth);
      return undefined;
    case 'doc-end':
      pushAll(stack, token.end, inFlow, depth);
      return undefined;
    case 'alias':
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
      visitFlowScalar(token, pending, stack, scan);
      return undefined;
    case 'block-scalar':
      pushAll(stack, token.props, inFlow, depth);
      return undefined;
    case 'block-map':
    case 'block-seq':
    case 'flow-collection':
      if (depth >= MAX_NESTING) return token.offset;
      if (token.type === 'flow-collection') pushAll(stack, token.end, inFlow, depth);
      pushItems(stack, token.items, token.type === 'flow-collection', depth + 1);
      return undefined;
    default:
      return undefined;
  }
}

function visitFlowScalar(
  token: CST.FlowScalar,
  { inFlow, depth }: Pending,
  stack: Pending[],
  scan: TokenScan,
): void {
  if (token.type === 'alias') scan.aliasCount += 1;
  if (inFlow) scan.flowScalars.add(token.offset);
  pushAll(stack, token.end, inFlow, depth);
}

/** Pushes tokens so that they pop in source order. */
function pushAll(
  stack: Pending[],
  tokens: readonly CST.Token[] | undefined,
  inFlow: boolean,
  depth: number,
): void {
  if (!tokens) return;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i];
    if (token) stack.push({ token, inFlow, depth });
  }
}

function pushItems(
  stack: Pending[],
  items: readonly CST.CollectionItem[],
  inFlow: boolean,
  depth: number,
): void {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (!item) continue;
    if (item.value) stack.push({ token: item.value, inFlow, depth });
    pushAll(stack, item.sep, inFlow, depth);
    if (item.key) stack.push({ token: item.key, inFlow, depth });
    pushAll(stack, item.start, inFlow, depth);
  }
}
