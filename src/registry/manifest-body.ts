// Reading manifest bodies: the children of an index and the config of a platform manifest. Digests
// are always computed over the exact bytes received, never over re-serialised JSON.

import { createHash } from 'node:crypto';
import { isDigest, type Digest } from '../core/digest.ts';
import { isIndexMediaType, type PlatformManifest } from '../core/image-resolver.ts';

export function sha256Digest(bytes: Buffer): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}` as Digest;
}

/** Checks received bytes against the digest they were requested by or announced with. */
export function bodyMatchesDigest(bytes: Buffer, digest: string): boolean {
  const [algorithm, hex] = digest.split(':');
  if (algorithm !== 'sha256' && algorithm !== 'sha384' && algorithm !== 'sha512') return false;
  return createHash(algorithm).update(bytes).digest('hex') === hex;
}

type Json = Record<string, unknown>;

export type ManifestParse<T> = { ok: true; value: T } | { ok: false; message: string };

export function parseManifestJson(bytes: Buffer): ManifestParse<Json> {
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { ok: false, message: 'the manifest is not a JSON object' };
    }
    return { ok: true, value: parsed as Json };
  } catch {
    return { ok: false, message: 'the manifest is not valid JSON' };
  }
}

/** The media type: the Content-Type header if meaningful, else the body's `mediaType`. */
export function manifestMediaType(
  contentType: string | undefined,
  body: Json | undefined,
): string | undefined {
  const header = contentType?.split(';')[0]?.trim();
  if (
    header !== undefined &&
    header !== '' &&
    header !== 'application/json' &&
    header !== 'application/octet-stream'
  )
    return header;
  return typeof body?.mediaType === 'string' ? body.mediaType : header;
}

/** The platform children of an index / manifest list; [] for a single-platform manifest. */
export function indexChildren(body: Json, mediaType: string): ManifestParse<PlatformManifest[]> {
  if (!isIndexMediaType(mediaType) && !Array.isArray(body.manifests))
    return { ok: true, value: [] };
  if (!Array.isArray(body.manifests))
    return { ok: false, message: 'the index has no "manifests" list' };
  const children: PlatformManifest[] = [];
  for (const entry of body.manifests as unknown[]) {
    if (typeof entry !== 'object' || entry === null)
      return { ok: false, message: 'an index entry is not an object' };
    const e = entry as Json;
    const hasPlatform = typeof e.platform === 'object' && e.platform !== null;
    const platform = (hasPlatform ? e.platform : {}) as Json;
    if (typeof e.digest !== 'string' || !isDigest(e.digest))
      return { ok: false, message: 'an index entry has no valid digest' };
    children.push({
      os: str(platform.os) ?? 'unknown',
      architecture: str(platform.architecture) ?? 'unknown',
      variant: str(platform.variant),
      ...(str(platform['os.version']) === undefined
        ? {}
        : { osVersion: str(platform['os.version']) }),
      ...(hasPlatform ? {} : { hasPlatform: false }),
      digest: e.digest,
      mediaType: str(e.mediaType) ?? '',
    });
  }
  return { ok: true, value: children };
}

/** `config.digest` of a platform manifest. */
export function configDigestOf(body: Json): ManifestParse<Digest> {
  const config = body.config;
  if (typeof config !== 'object' || config === null)
    return { ok: false, message: 'the manifest has no config' };
  const digest = (config as Json).digest;
  if (typeof digest !== 'string' || !isDigest(digest))
    return { ok: false, message: 'the manifest config has no valid digest' };
  return { ok: true, value: digest };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
