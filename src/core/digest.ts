// Content digests as go-digest validates them (opencontainers/go-digest Digest.Validate).

/** A validated `algorithm:hex` digest, e.g. `sha256:<64 lowercase hex>`. */
export type Digest = string & { readonly __brand: 'Digest' };

/** Why a digest string was refused; mirrors go-digest's three error values. */
export type DigestProblem =
  | 'invalid-format' // go-digest ErrDigestInvalidFormat
  | 'invalid-length' // go-digest ErrDigestInvalidLength
  | 'unsupported-algorithm'; // go-digest ErrDigestUnsupported

/** Hex lengths of the algorithms go-digest registers (and Go's crypto makes available). */
const HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

const DIGEST_PROBLEM_TEXT: Readonly<Record<DigestProblem, string>> = {
  'invalid-format': 'invalid checksum digest format',
  'invalid-length': 'invalid checksum digest length',
  'unsupported-algorithm': 'unsupported digest algorithm',
};

/** The message go-digest gives for a problem. */
export function describeDigestProblem(problem: DigestProblem): string {
  return DIGEST_PROBLEM_TEXT[problem];
}

/** Validates a digest string; returns the problem, or undefined when it is valid. */
export function checkDigest(value: string): DigestProblem | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon + 1 === value.length) return 'invalid-format';
  const algorithm = value.slice(0, colon);
  const encoded = value.slice(colon + 1);
  const expected = HEX_LENGTH[algorithm];
  if (expected === undefined) {
    return isWellFormedDigest(value) ? 'unsupported-algorithm' : 'invalid-format';
  }
  if (encoded.length !== expected) return 'invalid-length';
  return isLowerHex(encoded) ? undefined : 'invalid-format';
}

/** Narrowing guard: a string that go-digest accepts. */
export function isDigest(value: string): value is Digest {
  return checkDigest(value) === undefined;
}

/** `sha256:0123456789ab` — the first 12 hex characters, as kubectl and docker shorten IDs. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return colon < 0 ? digest.slice(0, 12) : digest.slice(0, colon + 13);
}

export function isLowerHex(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const lower = c >= 97 && c <= 102;
    if (!digit && !lower) return false;
  }
  return value.length > 0;
}

/**
 * The distribution/reference digest grammar:
 * `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`, scanned without a regexp.
 * @returns the index of the first character that breaks the grammar, or -1 when it matches.
 */
export function findDigestGrammarError(value: string): number {
  const colon = value.indexOf(':');
  if (colon < 0) return value.length;
  let expectLetter = true;
  for (let i = 0; i < colon; i++) {
    const c = value[i] ?? '';
    if (expectLetter) {
      if (!isAsciiLetter(c)) return i;
      expectLetter = false;
    } else if ('-_+.'.includes(c)) {
      expectLetter = true;
    } else if (!isAsciiLetter(c) && !isAsciiDigit(c)) {
      return i;
    }
  }
  if (expectLetter) return colon;
  const encoded = value.slice(colon + 1);
  for (let i = 0; i < encoded.length; i++) {
    if (!isHexDigit(encoded[i] ?? '')) return colon + 1 + i;
  }
  return encoded.length < 32 ? value.length : -1;
}

/** go-digest's own DigestRegexp: `[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+`. */
function isWellFormedDigest(value: string): boolean {
  const colon = value.indexOf(':');
  const algorithmParts = value.slice(0, colon).split(/[.+_-]/);
  const algorithmOk = algorithmParts.every((part) => part.length > 0 && isLowerAlnum(part));
  const encoded = value.slice(colon + 1);
  const encodedOk = [...encoded].every(
    (c) => isAsciiLetter(c) || isAsciiDigit(c) || '=_-'.includes(c),
  );
  return colon > 0 && algorithmOk && encoded.length > 0 && encodedOk;
}

function isLowerAlnum(value: string): boolean {
  return [...value].every((c) => (c >= 'a' && c <= 'z') || isAsciiDigit(c));
}

export function isAsciiLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

export function isAsciiDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isHexDigit(c: string): boolean {
  return isAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
