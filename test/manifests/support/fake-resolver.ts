// A hand-written ImageResolver for tests: every tag resolves to the sha256 of its normalised
// `name:tag` (the real digest format, stable across runs) unless a test moves or breaks it, and
// every call is counted so tests can prove one request per distinct tag.
import { createHash } from 'node:crypto';
import type { Digest } from '../../../src/core/digest.ts';
import { referenceName, type ImageReference } from '../../../src/core/image-reference.ts';
import type {
  ConfigDigestResult,
  ImageResolver,
  PlatformsResult,
  TagResolution,
} from '../../../src/core/image-resolver.ts';

export function fakeDigest(key: string): Digest {
  return `sha256:${createHash('sha256').update(key).digest('hex')}` as Digest;
}

export class FakeResolver implements ImageResolver {
  /** Calls per `name:tag`. */
  readonly calls = new Map<string, number>();
  /** Tags that answer 404. */
  readonly missing = new Set<string>();
  /** Tags moved to another digest. */
  readonly moved = new Map<string, Digest>();

  resolveTag(ref: ImageReference): Promise<TagResolution> {
    const key = `${referenceName(ref)}:${ref.tag ?? ''}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    if (ref.tag === undefined || ref.digest !== undefined) {
      throw new Error(`resolveTag wants a tag and no digest, got ${key}@${ref.digest ?? ''}`);
    }
    if (this.missing.has(key)) {
      return Promise.resolve({
        ok: false,
        failure: {
          kind: 'not-found',
          registry: ref.domain,
          repository: ref.path,
          message: 'manifest unknown',
          status: 404,
        },
      });
    }
    const digest = this.moved.get(key) ?? fakeDigest(key);
    return Promise.resolve({
      ok: true,
      value: {
        digest,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        size: 1234,
        credentialSource: { kind: 'anonymous', detail: 'test' },
      },
    });
  }

  totalCalls(): number {
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }

  platforms(): Promise<PlatformsResult> {
    return Promise.reject(new Error('not used by manifest commands'));
  }

  configDigest(): Promise<ConfigDigestResult> {
    return Promise.reject(new Error('not used by manifest commands'));
  }
}
