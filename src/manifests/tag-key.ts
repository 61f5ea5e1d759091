// The identity of "what a tag points to": one registry request per distinct key, however the image
// is spelled (`nginx`, `nginx:latest`, `docker.io/library/nginx:latest@sha256:…` share one).

import { effectiveTag, referenceName, type ImageReference } from '../core/image-reference.ts';

/** `domain/path:tag` with the implicit `latest` added; undefined for a digest-only reference. */
export function tagKey(ref: ImageReference): string | undefined {
  const tag = ref.tag ?? effectiveTag(ref);
  return tag === undefined ? undefined : `${referenceName(ref)}:${tag}`;
}

/** The reference to ask the registry about: the tag (implicit `latest` made explicit), no digest. */
export function tagReference(ref: ImageReference): ImageReference {
  return { ...ref, tag: ref.tag ?? 'latest', digest: undefined };
}
