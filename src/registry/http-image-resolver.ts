// The ImageResolver over HTTP. Economy rules: a tag costs one manifest HEAD (free on Docker Hub),
// GET only when HEAD is refused or carries no digest; concurrent callers for one tag share one
// request; tag answers are reused for a short TTL; content fetched by digest is kept for the
// process (it cannot change); a nearly spent pull quota is not spent.

import { isDigest, type Digest } from '../core/digest.ts';
import { digestKey, effectiveTag, tagKey, type ImageReference } from '../core/image-reference.ts';
import {
  isIndexMediaType,
  MEDIA_TYPES,
  type ConfigDigestResult,
  type ImageResolver,
  type PlatformsResult,
  type ResolvedTag,
  type TagResolution,
} from '../core/image-resolver.ts';
import {
  bodyMatchesDigest,
  configDigestOf,
  indexChildren,
  manifestMediaType,
  parseManifestJson,
  sha256Digest,
} from './manifest-body.ts';
import { describeRateLimit, quotaNearlySpent, type RateLimitState } from './rate-limit.ts';
import type { RegistryConfig } from './registry-config.ts';
import type { RegistrySession } from './registry-session.ts';
import { failure, registryErrorText, type SessionResult } from './registry-session.ts';

export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.dockerManifest,
].join(', ');

interface CachedContent {
  readonly mediaType: string;
  readonly body: Record<string, unknown>;
}

type ContentResult =
  | { ok: true; content: CachedContent }
  | { ok: false; failure: Extract<TagResolution, { ok: false }>['failure'] };

export class HttpImageResolver implements ImageResolver {
  private readonly tagCache = new Map<
    string,
    { expiresAt: number; result: Promise<TagResolution> }
  >();
  private readonly content = new Map<string, Promise<ContentResult>>();
  private readonly mediaTypes = new Map<string, string>();

  constructor(
    private readonly session: RegistrySession,
    private readonly config: RegistryConfig,
    private readonly now: () => number = Date.now,
  ) {}

  resolveTag(ref: ImageReference): Promise<TagResolution> {
    const tag = effectiveTag(ref);
    if (tag === undefined) {
      return Promise.resolve(
        failure('protocol', ref.domain, ref.path, 'a digest-only reference has no tag to resolve'),
      );
    }
    const key = tagKey(ref) ?? '';
    const cached = this.tagCache.get(key);
    if (cached !== undefined && cached.expiresAt > this.now()) return cached.result;
    // Stored before it settles, so concurrent callers share the one request.
    const result = this.fetchTag(ref, tag);
    this.tagCache.set(key, { expiresAt: Number.POSITIVE_INFINITY, result });
    void result.then(() =>
      this.tagCache.set(key, { expiresAt: this.now() + this.config.tagCacheTtlMs, result }),
    );
    return result;
  }

  async platforms(ref: ImageReference, digest: Digest): Promise<PlatformsResult> {
    const known = this.mediaTypes.get(digestKey(ref, digest));
    if (known !== undefined && !isIndexMediaType(known)) return { ok: true, platforms: [] };
    const fetched = await this.fetchByDigest(ref, digest);
    if (!fetched.ok) return fetched;
    const children = indexChildren(fetched.content.body, fetched.content.mediaType);
    if (!children.ok)
      return failure('protocol', ref.domain, ref.path, `${digest}: ${children.message}`);
    return { ok: true, platforms: children.value };
  }

  async configDigest(ref: ImageReference, manifestDigest: Digest): Promise<ConfigDigestResult> {
    const fetched = await this.fetchByDigest(ref, manifestDigest);
    if (!fetched.ok) return fetched;
    const config = configDigestOf(fetched.content.body);
    if (!config.ok)
      return failure('protocol', ref.domain, ref.path, `${manifestDigest}: ${config.message}`);
    return { ok: true, configDigest: config.value };
  }

  /** Latest pull-quota state seen for a registry, if it sends one. */
  rateLimit(registry: string): RateLimitState | undefined {
    return this.session.rateLimits.get(registry);
  }

  private async fetchTag(ref: ImageReference, tag: string): Promise<TagResolution> {
    const head = await this.manifestRequest(ref, 'HEAD', tag);
    // Some registries refuse HEAD (403) but serve GET; containerd retries such a HEAD as a GET.
    if (!head.ok) return head.failure.kind === 'forbidden' ? this.getTag(ref, tag) : head;
    const { response } = head;
    if (response.status === 200) {
      const digest = response.headers['docker-content-digest'];
      const mediaType = manifestMediaType(response.headers['content-type'], undefined);
      // Only a manifest content type makes the digest header believable (F-19): a login page or
      // a proxy's error with a digest-looking header falls through to GET, which checks the bytes.
      if (digest !== undefined && isDigest(digest) && isManifestMediaType(mediaType)) {
        return this.resolved(ref, {
          digest,
          mediaType,
          size: contentLength(response.headers),
          credentialSource: head.credentialSource,
        });
      }
    } else if (response.status !== 403 && response.status !== 405) {
      return this.statusFailure(ref, tag, head);
    }
    // HEAD refused, or no usable digest header: GET and hash the exact bytes.
    return this.getTag(ref, tag);
  }

  private async getTag(ref: ImageReference, tag: string): Promise<TagResolution> {
    const spent = this.quotaGuard(ref);
    if (spent) return spent;
    const got = await this.manifestRequest(ref, 'GET', tag);
    if (!got.ok) return got;
    if (got.response.status !== 200) return this.statusFailure(ref, tag, got);
    const { body, headers } = got.response;
    const announced = headers['docker-content-digest'];
    if (announced !== undefined && !bodyMatchesDigest(body, announced)) {
      return failure(
        'protocol',
        ref.domain,
        ref.path,
        `${tag}: Docker-Content-Digest ${announced} does not match the manifest bytes`,
      );
    }
    const parsed = parseManifestJson(body);
    if (!parsed.ok) return failure('protocol', ref.domain, ref.path, `${tag}: ${parsed.message}`);
    const mediaType = manifestMediaType(headers['content-type'], parsed.value);
    if (mediaType === undefined)
      return failure('protocol', ref.domain, ref.path, `${tag}: the manifest has no media type`);
    if (!isManifestMediaType(mediaType))
      return failure(
        'protocol',
        ref.domain,
        ref.path,
        `${tag}: the registry answered with ${printable(mediaType)}, not an image manifest or index`,
      );
    const digest = announced !== undefined && isDigest(announced) ? announced : sha256Digest(body);
    this.content.set(
      digestKey(ref, digest),
      Promise.resolve({ ok: true, content: { mediaType, body: parsed.value } }),
    );
    return this.resolved(ref, {
      digest,
      mediaType,
      size: body.length,
      credentialSource: got.credentialSource,
    });
  }

  private resolved(ref: ImageReference, value: ResolvedTag): TagResolution {
    this.mediaTypes.set(digestKey(ref, value.digest), value.mediaType);
    return { ok: true, value };
  }

  private fetchByDigest(ref: ImageReference, digest: Digest): Promise<ContentResult> {
    const key = digestKey(ref, digest);
    let pending = this.content.get(key);
    if (pending === undefined) {
      pending = this.getByDigest(ref, digest);
      this.content.set(key, pending);
      void pending.then((r) => {
        if (!r.ok) this.content.delete(key); // only content is immutable, not failures
      });
    }
    return pending;
  }

  private async getByDigest(ref: ImageReference, digest: Digest): Promise<ContentResult> {
    const spent = this.quotaGuard(ref);
    if (spent) return spent;
    const got = await this.manifestRequest(ref, 'GET', digest);
    if (!got.ok) return got;
    if (got.response.status !== 200) return this.statusFailure(ref, digest, got);
    if (!bodyMatchesDigest(got.response.body, digest)) {
      return failure(
        'protocol',
        ref.domain,
        ref.path,
        `the manifest served for ${digest} does not hash to it`,
      );
    }
    const parsed = parseManifestJson(got.response.body);
    if (!parsed.ok)
      return failure('protocol', ref.domain, ref.path, `${digest}: ${parsed.message}`);
    const mediaType = manifestMediaType(got.response.headers['content-type'], parsed.value) ?? '';
    return { ok: true, content: { mediaType, body: parsed.value } };
  }

  private manifestRequest(
    ref: ImageReference,
    method: 'HEAD' | 'GET',
    reference: string,
  ): Promise<SessionResult> {
    return this.session.send(ref.domain, ref.path, {
      method,
      target: `/v2/${ref.path}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
    });
  }

  /** Docker Hub counts manifest GETs against a quota (HEADs are free); keep the rest for the nodes. */
  private quotaGuard(
    ref: ImageReference,
  ): { ok: false; failure: Extract<TagResolution, { ok: false }>['failure'] } | undefined {
    const state = this.session.rateLimits.get(ref.domain);
    if (!quotaNearlySpent(state, this.config.rateLimitReserveFraction) || state === undefined)
      return undefined;
    const message = `pull quota nearly spent (${describeRateLimit(state)}): not spending more; nodes need it to pull`;
    return failure('rate-limited', ref.domain, ref.path, message);
  }

  private statusFailure(
    ref: ImageReference,
    reference: string,
    result: Extract<SessionResult, { ok: true }>,
  ): { ok: false; failure: Extract<TagResolution, { ok: false }>['failure'] } {
    const { status, body, headers } = result.response;
    const detail = this.session.redact(registryErrorText(body));
    const suffix = detail === '' ? '' : ` (${detail})`;
    if (status === 404)
      return failure(
        'not-found',
        ref.domain,
        ref.path,
        `${ref.path}:${reference} not found${suffix}`,
        status,
      );
    if (status === 429) {
      const state = this.session.rateLimits.get(ref.domain);
      const quota = state === undefined ? '' : `; ${describeRateLimit(state)}`;
      const after =
        headers['retry-after'] === undefined ? '' : `; retry after ${headers['retry-after']}`;
      return failure(
        'rate-limited',
        ref.domain,
        ref.path,
        `the registry is rate-limiting (HTTP 429${after}${quota})`,
        status,
      );
    }
    if (status >= 500) {
      return failure(
        'unreachable',
        ref.domain,
        ref.path,
        `the registry answered HTTP ${status} after ${this.config.retry.attempts} tries${suffix}`,
        status,
      );
    }
    return failure(
      'protocol',
      ref.domain,
      ref.path,
      `unexpected HTTP ${status} for ${reference}${suffix}`,
      status,
    );
  }
}

const ACCEPTED_MEDIA_TYPES: ReadonlySet<string> = new Set(Object.values(MEDIA_TYPES));

function isManifestMediaType(mediaType: string | undefined): mediaType is string {
  return mediaType !== undefined && ACCEPTED_MEDIA_TYPES.has(mediaType);
}

/** A server-chosen string, cut short and stripped of control characters, for a message. */
function printable(text: string): string {
  return JSON.stringify(text.slice(0, 100));
}

function contentLength(headers: Readonly<Record<string, string | undefined>>): number | undefined {
  const value = Number(headers['content-length']);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
