// Multi-document YAML as kube-fresh reads it: the composed documents (for meaning), the lossless CST
// (for byte-exact edits), comments (for suppressions) and 1-based positions. A document that does
// not parse is kept as a value with its errors, so one broken Helm template never hides the rest.

import { Composer, LineCounter, Parser, visit, type CST, type Document } from 'yaml';

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

/** Parses every document of a YAML stream. Never throws for bad YAML: errors are values. */
export function parseManifests(text: string): ParsedManifests {
  const lineCounter = new LineCounter();
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const scan: TokenScan = { comments: [], flowScalars: new Set() };
  const composer = new Composer(COMPOSE_OPTIONS);
  const composed: Document.Parsed[] = [];
  // Tokens stream from the parser to the composer one document at a time, so the CST of the
  // whole file never exists at once.
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    visitToken(token, false, scan);
    composed.push(...composer.next(token));
  }
  composed.push(...composer.end());
  const documents: ManifestDocument[] = [];
  const errors: ManifestParseError[] = [];
  for (const document of composed) {
    const index = documents.length;
    const documentErrors = [
      ...document.errors.map(({ code, message, pos }) => ({ code, message, offset: pos[0] })),
      ...findUnknownAliases(document),
    ];
    documents.push({ index, document, ok: documentErrors.length === 0 });
    for (const { code, message, offset } of documentErrors) {
      errors.push({ documentIndex: index, code, message, ...position(offset) });
    }
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

/** Kubernetes' decoder refuses `*name` without an earlier `&name`; `yaml` only notices on toJS. */
function findUnknownAliases(
  document: Document.Parsed,
): { code: string; message: string; offset: number }[] {
  const unknown: { code: string; message: string; offset: number }[] = [];
  visit(document, {
    Alias(_, alias) {
      if (alias.resolve(document) === undefined) {
        const message = `unknown anchor: *${alias.source} has no &${alias.source} before it`;
        unknown.push({ code: 'BAD_ALIAS', message, offset: alias.range?.[0] ?? 0 });
      }
    },
  });
  return unknown;
}

/** What one pass over the CST collects: comments, and the offsets of scalars in flow collections. */
interface TokenScan {
  readonly comments: SourceComment[];
  readonly flowScalars: Set<number>;
}

function visitToken(token: CST.Token | null | undefined, inFlow: boolean, scan: TokenScan): void {
  if (!token) return;
  switch (token.type) {
    case 'comment':
      scan.comments.push({ offset: token.offset, source: token.source });
      return;
    case 'document':
      visitAll(token.start, inFlow, scan);
      visitToken(token.value, inFlow, scan);
      visitAll(token.end, inFlow, scan);
      return;
    case 'doc-end':
      visitAll(token.end, inFlow, scan);
      return;
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'alias':
      if (inFlow) scan.flowScalars.add(token.offset);
      visitAll(token.end, inFlow, scan);
      return;
    case 'block-scalar':
      visitAll(token.props, inFlow, scan);
      return;
    case 'block-map':
    case 'block-seq':
      visitItems(token.items, false, scan);
      return;
    case 'flow-collection':
      visitItems(token.items, true, scan);
      visitAll(token.end, inFlow, scan);
      return;
    default:
      return;
  }
}

function visitItems(items: readonly CST.CollectionItem[], inFlow: boolean, scan: TokenScan): void {
  for (const item of items) {
    visitAll(item.start, inFlow, scan);
    visitToken(item.key, inFlow, scan);
    visitAll(item.sep, inFlow, scan);
    visitToken(item.value, inFlow, scan);
  }
}

function visitAll(
  tokens: readonly CST.Token[] | undefined,
  inFlow: boolean,
  scan: TokenScan,
): void {
  for (const token of tokens ?? []) visitToken(token, inFlow, scan);
}
