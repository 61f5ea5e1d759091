// Text that a server or helper sent back may repeat a secret we sent it (a registry's error that
// quotes our Authorization header, an API server's 403 that quotes the token). Such text is
// redacted before it becomes part of any message (F-13): every known secret, and whatever follows
// an HTTP auth scheme word or looks like a JWT, whether we know it or not.

const REDACTED = '[redacted]';
const MIN_SECRET_LENGTH = 4;

/** `text` with every secret in `secrets`, every `Bearer …`/`Basic …` credential and JWT replaced. */
export function redactSecrets(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  const known = [...new Set(secrets)]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  for (const secret of known) out = out.split(secret).join(REDACTED);
  return out
    .replace(/\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]+/gi, `$1$2${REDACTED}`)
    .replace(/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*)?/g, REDACTED);
}

/** The strings that reveal a user/password pair: each part, and the base64 of `user:password`. */
export function basicCredentialSecrets(
  username: string | undefined,
  password: string | undefined,
): string[] {
  if (password === undefined || password === '') return [];
  const pair = `${username ?? ''}:${password}`;
  return [password, pair, base64(pair), base64(pair).replace(/=+$/, '')];
}

function base64(text: string): string {
  // No Buffer in core: encode UTF-8 by hand through btoa, which exists in Node and browsers.
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A URL for messages: a password in its userinfo becomes `xxxxx`, as Go's url.Redacted does. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:xxxxx@');
}
