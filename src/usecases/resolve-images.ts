// `resolve`: what each image's tag points to now, and optionally its platforms. All inputs go out
// together; the resolver de-duplicates and bounds concurrency per registry.

import {
  effectiveTag,
  parseImageReference,
  referenceName,
  type ImageReference,
} from '../core/image-reference.ts';
import type {
  CredentialSource,
  ImageResolver,
  PlatformManifest,
  RegistryFailureKind,
} from '../core/image-resolver.ts';
import {
  describeOfferedPlatforms,
  formatPlatform,
  selectPlatformChild,
  type PlatformSpec,
} from '../core/platform.ts';

export interface ResolvedImage {
  readonly input: string;
  readonly name: string | null;
  readonly tag: string | null;
  readonly digest: string | null;
  readonly mediaType: string | null;
  /** Only when asked for: `[{os, architecture, variant, digest}]`; empty for a single-platform image. */
  readonly platforms?: ReadonlyArray<
    Pick<PlatformManifest, 'os' | 'architecture' | 'variant' | 'digest'>
  > | null;
  readonly credentialSource: CredentialSource | null;
  /**
   * With `--platform`: the manifest a node of that platform runs (containerd's `platforms.Only`);
   * for a single-platform image the manifest itself (containerd does not check its platform).
   */
  readonly selected?: {
    readonly forPlatform: string;
    readonly digest: string;
    /** The child's platform as the index states it; null for a single-platform image. */
    readonly platform: string | null;
  };
  /** For `tag@digest` input: the digest written, and whether the tag has moved away from it. */
  readonly pinned?: { readonly digest: string; readonly tagMoved: boolean };
  readonly error?: {
    readonly kind: RegistryFailureKind | 'invalid-reference' | 'no-matching-platform';
    readonly message: string;
  };
}

export interface ResolveOptions {
  readonly platforms: boolean;
  /** The node platform to pick an index child for (`--platform`). */
  readonly platform?: PlatformSpec | undefined;
}

export async function resolveImages(
  inputs: readonly string[],
  resolver: ImageResolver,
  options: ResolveOptions,
): Promise<ResolvedImage[]> {
  return Promise.all(inputs.map((input) => resolveOne(input, resolver, options)));
}

async function resolveOne(
  input: string,
  resolver: ImageResolver,
  options: ResolveOptions,
): Promise<ResolvedImage> {
  const parsed = parseImageReference(input);
  if (!parsed.ok) {
    return {
      ...empty(input),
      error: { kind: 'invalid-reference', message: parsed.problem.message },
    };
  }
  const ref = parsed.reference;
  const base = { ...empty(input), name: referenceName(ref), tag: effectiveTag(ref) ?? null };
  if (ref.tag === undefined && ref.digest !== undefined)
    return digestOnly(ref, base, resolver, options);
  const resolution = await resolver.resolveTag(ref);
  if (!resolution.ok)
    return {
      ...base,
      error: { kind: resolution.failure.kind, message: resolution.failure.message },
    };
  const { digest, mediaType, credentialSource } = resolution.value;
  const result: ResolvedImage = {
    ...base,
    digest,
    mediaType,
    credentialSource,
    ...(ref.digest === undefined
      ? {}
      : { pinned: { digest: ref.digest, tagMoved: ref.digest !== digest } }),
  };
  return withChildren(result, ref, digest, resolver, options);
}

function withChildren(
  result: ResolvedImage,
  ref: ImageReference,
  digest: NonNullable<ImageReference['digest']>,
  resolver: ImageResolver,
  options: ResolveOptions,
): Promise<ResolvedImage> | ResolvedImage {
  if (options.platform !== undefined)
    return withSelectedChild(
      result,
      { ref, digest },
      resolver,
      options.platform,
      options.platforms,
    );
  return options.platforms ? withPlatforms(result, ref, digest, resolver) : result;
}

async function withSelectedChild(
  result: ResolvedImage,
  { ref, digest }: { ref: ImageReference; digest: NonNullable<ImageReference['digest']> },
  resolver: ImageResolver,
  platform: PlatformSpec,
  listAll: boolean,
): Promise<ResolvedImage> {
  const platforms = await resolver.platforms(ref, digest);
  if (!platforms.ok)
    return {
      ...result,
      error: { kind: platforms.failure.kind, message: platforms.failure.message },
    };
  const forPlatform = formatPlatform(platform);
  const listed = listAll ? { platforms: platforms.platforms.map(childView) } : {};
  if (platforms.platforms.length === 0)
    return { ...result, ...listed, selected: { forPlatform, digest, platform: null } };
  const child = selectPlatformChild(platforms.platforms, platform);
  if (child === undefined)
    return {
      ...result,
      ...listed,
      error: {
        kind: 'no-matching-platform',
        message: `no child of the index runs on ${forPlatform}; it offers ${describeOfferedPlatforms(platforms.platforms)}`,
      },
    };
  return {
    ...result,
    ...listed,
    selected: {
      forPlatform,
      digest: child.digest,
      platform: child.hasPlatform === false ? null : formatPlatform(child),
    },
  };
}

function childView({ os, architecture, variant, digest }: PlatformManifest) {
  return { os, architecture, variant, digest };
}

/** A reference by digest alone has nothing to resolve: it names fixed content. */
async function digestOnly(
  ref: ImageReference,
  base: ResolvedImage,
  resolver: ImageResolver,
  options: ResolveOptions,
): Promise<ResolvedImage> {
  const digest = ref.digest ?? '';
  const result = { ...base, digest, tag: null };
  return ref.digest === undefined
    ? result
    : withChildren(result, ref, ref.digest, resolver, options);
}

async function withPlatforms(
  result: ResolvedImage,
  ref: ImageReference,
  digest: NonNullable<ImageReference['digest']>,
  resolver: ImageResolver,
): Promise<ResolvedImage> {
  const platforms = await resolver.platforms(ref, digest);
  if (!platforms.ok)
    return {
      ...result,
      platforms: null,
      error: { kind: platforms.failure.kind, message: platforms.failure.message },
    };
  return { ...result, platforms: platforms.platforms.map(childView) };
}

function empty(input: string): ResolvedImage {
  return { input, name: null, tag: null, digest: null, mediaType: null, credentialSource: null };
}
