// Image references exactly as distribution/reference's ParseNormalizedNamed parses and
// normalises them (semantics doc §5), which is what Kubernetes and containerd both use.

import {
  checkDigest,
  describeDigestProblem,
  findDigestGrammarError,
  type Digest,
} from './digest.ts';
import { findDomainError, findRemoteNameError, findTagError } from './reference-grammar.ts';

/** A parsed, normalised image reference. */
export interface ImageReference {
  /** Registry host[:port], e.g. `docker.io`, `localhost:5000`, `[::1]:5000`. Empty only in the rare
   * case where distribution's grammar cannot read the first component as a host (`a_b.com/x`). */
  readonly domain: string;
  /** Repository path without the domain, e.g. `library/nginx`. */
  readonly path: string;
  /** The tag as written; undefined when none was written (see `effectiveTag`). */
  readonly tag: string | undefined;
  readonly digest: Digest | undefined;
}

export type ReferenceProblemCode =
  | 'empty'
  | 'image-id'
  | 'uppercase'
  | 'invalid-domain'
  | 'invalid-path'
  | 'invalid-tag'
  | 'invalid-digest'
  | 'name-too-long'
  | 'invalid-format';

/** Why a string is not a valid image reference; `column` is 1-based into the input. */
export interface ReferenceProblem {
  readonly code: ReferenceProblemCode;
  /** Starts with `upstream`, then (after `: `) where exactly, when that adds something. */
  readonly message: string;
  /** The error distribution/reference returns, word for word (what the kubelet reports). */
  readonly upstream: string;
  readonly column: number | undefined;
}

const INVALID_FORMAT = 'invalid reference format';
const NAME_UPPERCASE = 'repository name must be lowercase';

export type ParsedReference =
  | { readonly ok: true; readonly reference: ImageReference }
  | { readonly ok: false; readonly problem: ReferenceProblem };

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
/** distribution/reference NameTotalLengthMax, applied to the path only since v0.6.0. */
const MAX_PATH_LENGTH = 255;

/** Where the text being matched came from, so errors point into what the user typed. */
interface Normalised {
  readonly domain: string;
  readonly remainder: string;
  /** Index in the input where `remainder` (minus any added `library/` prefix) starts. */
  readonly remainderOffset: number;
  readonly addedPrefix: number;
  readonly explicitDomain: boolean;
}

/** Parses like distribution/reference ParseNormalizedNamed. Never throws. */
export function parseImageReference(input: string): ParsedReference {
  // ParseNormalizedNamed("") parses "docker.io/library/", which the grammar rejects.
  if (input.length === 0)
    return fail('empty', `${INVALID_FORMAT}: the reference is empty`, undefined);
  if (input.length === 64 && /^[a-f0-9]+$/.test(input)) {
    const message = `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`;
    return fail('image-id', message, 1);
  }
  const normalised = splitDockerDomain(input);
  const uppercase = findUppercaseInRemote(normalised.remainder);
  if (uppercase >= 0) {
    const remote = normalised.remainder.slice(0, indexOrEnd(normalised.remainder, ':'));
    const column = toColumn(normalised, normalised.domain.length + 1 + uppercase);
    return fail(
      'uppercase',
      `${INVALID_FORMAT}: repository name (${remote}) must be lowercase`,
      column,
    );
  }
  return matchReference(`${normalised.domain}/${normalised.remainder}`, normalised);
}

/** The normalised repository name, `domain/path`. */
export function referenceName(ref: ImageReference): string {
  return ref.domain === '' ? ref.path : `${ref.domain}/${ref.path}`;
}

/** The full normalised string, `domain/path[:tag][@digest]`. */
export function formatReference(ref: ImageReference): string {
  return referenceName(ref) + suffix(ref);
}

/** The short name Docker shows: `docker.io/` and a single-level `library/` are dropped. */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return referenceName(ref);
  if (ref.path.startsWith(OFFICIAL_REPO_PREFIX)) {
    const rest = ref.path.slice(OFFICIAL_REPO_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.path;
}

/** FamiliarString: the familiar name with the tag and digest as written. */
export function familiarString(ref: ImageReference): string {
  return familiarName(ref) + suffix(ref);
}

/** The tag Kubernetes' ParseImageName sees: `latest` only when neither a tag nor a digest was given. */
export function effectiveTag(ref: ImageReference): string | undefined {
  if (ref.tag !== undefined) return ref.tag;
  return ref.digest === undefined ? 'latest' : undefined;
}

/**
 * The identity of "what a tag points to": `domain/path:tag` with the implicit `latest` added, so
 * `nginx`, `nginx:latest` and `docker.io/library/nginx:latest@sha256:…` share one registry
 * request. Undefined for a digest-only reference (nothing to resolve).
 */
export function tagKey(ref: ImageReference): string | undefined {
  const tag = effectiveTag(ref);
  return tag === undefined ? undefined : `${referenceName(ref)}:${tag}`;
}

/** The reference to ask the registry about: the tag (implicit `latest` made explicit), no digest. */
export function tagReference(ref: ImageReference): ImageReference {
  return { ...ref, tag: ref.tag ?? 'latest', digest: undefined };
}

/** The identity of content in one repository: `domain/path@digest`. */
export function digestKey(ref: ImageReference, digest: string): string {
  return `${referenceName(ref)}@${digest}`;
}

/** Same reference with the digest replaced (or added); keeps the tag, as `repo:tag@sha256:…`. */
export function withDigest(ref: ImageReference, digest: Digest): ImageReference {
  return { ...ref, digest };
}

function suffix(ref: ImageReference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return tag + digest;
}

/** distribution/reference splitDockerDomain, remembering offsets into the input. */
function splitDockerDomain(input: string): Normalised {
  const slash = input.indexOf('/');
  const first = slash < 0 ? '' : input.slice(0, slash);
  const isDomain =
    slash >= 0 &&
    (first === 'localhost' ||
      first === LEGACY_DEFAULT_DOMAIN ||
      /[.:]/.test(first) ||
      first.toLowerCase() !== first);
  const domain = !isDomain || first === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : first;
  const remainder = isDomain ? input.slice(slash + 1) : input;
  const needsPrefix = domain === DEFAULT_DOMAIN && !remainder.includes('/');
  return {
    domain,
    remainder: needsPrefix ? OFFICIAL_REPO_PREFIX + remainder : remainder,
    remainderOffset: isDomain ? slash + 1 : 0,
    addedPrefix: needsPrefix ? OFFICIAL_REPO_PREFIX.length : 0,
    explicitDomain: isDomain && first !== LEGACY_DEFAULT_DOMAIN,
  };
}

/** ParseNormalizedNamed's lowercase check covers the remainder up to its first ':'. */
function findUppercaseInRemote(remainder: string): number {
  const end = indexOrEnd(remainder, ':');
  for (let i = 0; i < end; i++) {
    const c = remainder[i] ?? '';
    if (c >= 'A' && c <= 'Z') return i;
  }
  return -1;
}

/** Maps an index in `domain/remainder` back to a 1-based column of the input. */
function toColumn(n: Normalised, index: number): number {
  const domainPart = n.domain.length + 1;
  if (index < domainPart) return n.explicitDomain ? index + 1 : 1;
  const inRemainder = index - domainPart - n.addedPrefix;
  return Math.max(0, inRemainder) + n.remainderOffset + 1;
}

/** The grammar (ReferenceRegexp) alone: the first offending character, or undefined. */
function grammarFailure(text: string, n: Normalised): ParsedReference | undefined {
  const at = text.indexOf('@');
  if (at >= 0 && text.indexOf('@', at + 1) >= 0) {
    return fail(
      'invalid-format',
      `${INVALID_FORMAT}: more than one "@"`,
      toColumn(n, text.indexOf('@', at + 1)),
    );
  }
  const head = at < 0 ? text : text.slice(0, at);
  const digestText = at < 0 ? undefined : text.slice(at + 1);
  const colon = head.lastIndexOf(':');
  const hasTag = colon > head.lastIndexOf('/');
  const name = hasTag ? head.slice(0, colon) : head;
  const tag = hasTag ? head.slice(colon + 1) : undefined;
  const nameResult = splitName(name);
  if ('error' in nameResult) return nameFailure(name, nameResult.error, n);
  if (tag !== undefined) {
    const tagError = findTagError(tag);
    if (tagError >= 0) return tagFailure(tag, tagError, toColumn(n, colon + 1 + tagError));
  }
  if (digestText === undefined) return undefined;
  const grammarError = findDigestGrammarError(digestText);
  return grammarError < 0
    ? undefined
    : fail(
        'invalid-digest',
        `${INVALID_FORMAT}: malformed digest`,
        toColumn(n, at + 1 + grammarError),
      );
}

/** distribution/reference Parse on the normalised string; reports the first offending character. */
function matchReference(text: string, n: Normalised): ParsedReference {
  const at = text.indexOf('@');
  const grammar = grammarFailure(text, n);
  if (grammar !== undefined) {
    // Parse retries in lower case: if that matches, the problem is upper case in the name.
    if (grammarFailure(text.toLowerCase(), n) !== undefined) return grammar;
    const column = toColumn(n, text.search(/[A-Z]/));
    return fail('uppercase', NAME_UPPERCASE, column);
  }
  const head = at < 0 ? text : text.slice(0, at);
  const digestText = at < 0 ? undefined : text.slice(at + 1);
  const colon = head.lastIndexOf(':');
  const hasTag = colon > head.lastIndexOf('/');
  const name = hasTag ? head.slice(0, colon) : head;
  const tag = hasTag ? head.slice(colon + 1) : undefined;

  const nameResult = splitName(name);
  if ('error' in nameResult) return nameFailure(name, nameResult.error, n);
  // Upstream checks the path length before it parses the digest.
  if (nameResult.path.length > MAX_PATH_LENGTH) {
    const column = toColumn(n, name.length - nameResult.path.length + MAX_PATH_LENGTH);
    return fail('name-too-long', 'repository name must not be more than 255 characters', column);
  }
  if (digestText !== undefined) {
    const problem = checkDigest(digestText);
    if (problem !== undefined)
      return fail('invalid-digest', describeDigestProblem(problem), toColumn(n, at + 1));
  }
  const reference = {
    domain: nameResult.domain,
    path: nameResult.path,
    tag,
    digest: digestText as Digest | undefined,
  };
  return { ok: true, reference };
}

type NameSplit = { domain: string; path: string } | { error: number };

/** `(?:domainAndPort/)?remoteName`, preferring a domain as Go's leftmost-first regexp does. */
function splitName(name: string): NameSplit {
  const slash = name.indexOf('/');
  if (slash > 0) {
    const domainError = findDomainError(name.slice(0, slash));
    const pathError = findRemoteNameError(name.slice(slash + 1));
    if (domainError < 0 && pathError < 0)
      return { domain: name.slice(0, slash), path: name.slice(slash + 1) };
    if (findRemoteNameError(name) < 0) return { domain: '', path: name };
    return { error: domainError >= 0 ? domainError : slash + 1 + pathError };
  }
  const error = findRemoteNameError(name);
  return error < 0 ? { domain: '', path: name } : { error };
}

function nameFailure(name: string, index: number, n: Normalised): ParsedReference {
  const column = toColumn(n, index);
  const c = name[index];
  const slash = name.indexOf('/');
  if (index < slash) {
    const what =
      c === undefined ? 'ends unexpectedly' : `has an invalid character ${JSON.stringify(c)}`;
    return fail('invalid-domain', `invalid reference format: registry host ${what}`, column);
  }
  const detail = describePathError(name, index);
  return fail('invalid-path', `invalid reference format: repository path ${detail}`, column);
}

function describePathError(name: string, index: number): string {
  const c = name[index];
  if (c === undefined) return 'ends with a separator';
  if (c === '/') return 'has an empty component';
  if ('._-'.includes(c)) return `has a misplaced ${JSON.stringify(c)}`;
  return `has an invalid character ${JSON.stringify(c)}`;
}

function tagFailure(tag: string, index: number, column: number): ParsedReference {
  if (tag.length === 0) return fail('invalid-tag', 'invalid reference format: empty tag', column);
  if (index >= 128 && tag.length > 128) {
    return fail(
      'invalid-tag',
      'invalid reference format: tag is longer than 128 characters',
      column,
    );
  }
  const c = JSON.stringify(tag[index]);
  return fail('invalid-tag', `invalid reference format: tag has an invalid character ${c}`, column);
}

function fail(
  code: ReferenceProblemCode,
  message: string,
  column: number | undefined,
): ParsedReference {
  // Grammar failures are all one error upstream; the others are upstream's own words.
  const upstream =
    code !== 'uppercase' && (code === 'empty' || message.startsWith(`${INVALID_FORMAT}:`))
      ? INVALID_FORMAT
      : message;
  return { ok: false, problem: { code, message, upstream, column } };
}

function indexOrEnd(value: string, char: string): number {
  const index = value.indexOf(char);
  return index < 0 ? value.length : index;
}
