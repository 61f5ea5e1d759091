// Kubernetes image pull Secrets read exactly as the kubelet reads them
// (pkg/credentialprovider/secrets/secrets.go, config.go; semantics doc §8.2):
// - only `kubernetes.io/dockerconfigjson` with a non-empty `.dockerconfigjson`, or
//   `kubernetes.io/dockercfg` with a non-empty `.dockercfg`, count; any other Secret is skipped;
// - the JSON is decoded as Go's encoding/json decodes it into the kubelet's structs: field names
//   match case-insensitively, null is the zero value, a wrongly typed field is an error;
// - `auth` overrides username/password and is decoded strictly (standard alphabet; padded when it
//   ends in `=`, unpadded otherwise; it must contain a `:`).
// An error in one Secret fails the kubelet's whole credential lookup for the Pod.

import type { DockerConfigEntry } from './docker-config-entry.ts';

export type PullSecretPayload =
  | {
      readonly ok: true;
      readonly entries: Readonly<Record<string, DockerConfigEntry>>;
      /** Why the kubelet skips this Secret (wrong type or no key); entries are then empty. */
      readonly ignored?: string;
    }
  | { readonly ok: false; readonly message: string };

const JSON_TYPE = 'kubernetes.io/dockerconfigjson';
const CFG_TYPE = 'kubernetes.io/dockercfg';

/**
 * Reads a Secret's docker-config key into registry entries. `encoding` says whether the values
 * are still base64 (a Secret's `data` as the API returns it) or already decoded text.
 */
export function parsePullSecret(
  type: string | undefined,
  data: Readonly<Record<string, string>> | undefined,
  encoding: 'base64' | 'text' = 'base64',
): PullSecretPayload {
  const key =
    type === JSON_TYPE ? '.dockerconfigjson' : type === CFG_TYPE ? '.dockercfg' : undefined;
  if (key === undefined)
    return { ok: true, entries: {}, ignored: `type ${type ?? '(none)'} is not a pull secret type` };
  const raw = data?.[key];
  const text =
    raw === undefined || encoding === 'text' ? raw : Buffer.from(raw, 'base64').toString('utf8');
  if (text === undefined || text === '')
    return { ok: true, entries: {}, ignored: `it has no ${key} key` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: `${key} is not valid JSON` };
  }
  try {
    const map = key === '.dockerconfigjson' ? dockerConfigJsonAuths(parsed) : parsed;
    return { ok: true, entries: dockerConfig(map, key === '.dockerconfigjson' ? 'auths' : key) };
  } catch (error) {
    if (error instanceof GoJsonError) return { ok: false, message: `${key}: ${error.message}` };
    throw error;
  }
}

class GoJsonError extends Error {}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go's field lookup: the last key in the object that equals the field name case-insensitively. */
function field(object: Record<string, unknown>, name: string): unknown {
  let found: unknown;
  for (const [k, v] of Object.entries(object))
    if (k.toLowerCase() === name.toLowerCase()) found = v;
  return found;
}

// credentialprovider.DockerConfigJSON: {auths: DockerConfig, HttpHeaders: map[string]string}.
function dockerConfigJsonAuths(parsed: unknown): unknown {
  if (parsed === null) return null;
  if (!isObject(parsed))
    throw new GoJsonError(`cannot read a JSON ${jsonKind(parsed)} as a docker config object`);
  const headers = field(parsed, 'HttpHeaders');
  if (headers !== undefined && headers !== null) {
    if (!isObject(headers))
      throw new GoJsonError(`HttpHeaders: cannot read a JSON ${jsonKind(headers)} as a map`);
    for (const [name, value] of Object.entries(headers))
      if (value !== null && typeof value !== 'string')
        throw new GoJsonError(
          `HttpHeaders.${name}: cannot read a JSON ${jsonKind(value)} as a string`,
        );
  }
  return field(parsed, 'auths') ?? null;
}

// credentialprovider.DockerConfig: map[string]DockerConfigEntry.
function dockerConfig(map: unknown, where: string): Record<string, DockerConfigEntry> {
  if (map === null || map === undefined) return {};
  if (!isObject(map))
    throw new GoJsonError(`${where}: cannot read a JSON ${jsonKind(map)} as a map`);
  const entries: Record<string, DockerConfigEntry> = {};
  for (const [registry, value] of Object.entries(map))
    entries[registry] = dockerConfigEntry(value, `${where}[${JSON.stringify(registry)}]`);
  return entries;
}

function dockerConfigEntry(value: unknown, where: string): DockerConfigEntry {
  if (value === null) return {};
  if (!isObject(value))
    throw new GoJsonError(`${where}: cannot read a JSON ${jsonKind(value)} as an entry`);
  const str = (name: string): string => {
    const v = field(value, name);
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string')
      throw new GoJsonError(`${where}.${name}: cannot read a JSON ${jsonKind(v)} as a string`);
    return v;
  };
  const [username, password, auth] = [str('username'), str('password'), str('auth')];
  str('email');
  // Empty strings are Go's zero values: no username or password at all.
  if (auth === '')
    return { ...(username === '' ? {} : { username }), ...(password === '' ? {} : { password }) };
  const decoded = decodeAuthStrictly(auth);
  if (typeof decoded === 'string') throw new GoJsonError(`${where}.auth: ${decoded}`);
  return decoded;
}

/**
 * The kubelet's decodeDockerConfigFieldAuth: StdEncoding when the (trimmed) value ends in `=`,
 * else RawStdEncoding; Go's decoder skips CR and LF and rejects anything else outside the
 * standard alphabet. Returns the credential, or an error message that never quotes the value.
 */
export function decodeAuthStrictly(field: string): { username: string; password: string } | string {
  const body = field.replace(/[\r\n]/g, '');
  const padded = field.trim().endsWith('=');
  const valid = padded
    ? /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(body)
    : /^[A-Za-z0-9+/]*$/.test(body) && body.length % 4 !== 1;
  if (!valid)
    return `illegal base64 data (${padded ? 'padded' : 'unpadded'} standard encoding expected)`;
  const decoded = Buffer.from(body, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0)
    return 'unable to parse auth field, must be formatted as base64(username:password)';
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
