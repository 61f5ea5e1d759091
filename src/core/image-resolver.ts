// What a registry says a tag points to, as values. The registry adapter produces these; verdicts,
// `pin` and `resolve` consume them. A failure is an expected outcome, never an exception.

import type { Digest } from './digest.ts';
import type { ImageReference } from './image-reference.ts';

export type RegistryFailureKind =
  | 'not-found'
  | 'unauthorized'
  | 'forbidden'
  | 'rate-limited'
  | 'unreachable'
  | 'tls'
  | 'protocol'
  /** The reference passes the grammar but names no reachable endpoint (port > 65535, bad IPv6). */
  | 'invalid-reference';

export interface RegistryFailure {
  readonly kind: RegistryFailureKind;
  /** Registry host as written in the reference, e.g. `docker.io`, `localhost:5000`. */
  readonly registry: string;
  readonly repository: string;
  /** One line for humans; never contains credentials. */
  readonly message: string;
  readonly status?: number;
}

/** Which credential a request used; names the source, never the secret. */
export interface CredentialSource {
  /** e.g. `anonymous`, `docker-config`, `credential-helper`, `pull-secret`. */
  readonly kind: string;
  /** e.g. `~/.docker/config.json: localhost:5000`, `docker-credential-pass`, `default/regcred`. */
  readonly detail: string;
}

export interface ResolvedTag {
  readonly digest: Digest;
  /** Content type of the manifest the tag points to (an index for multi-arch images). */
  readonly mediaType: string;
  readonly size: number | undefined;
  readonly credentialSource: CredentialSource;
}

export type TagResolution =
  | { readonly ok: true; readonly value: ResolvedTag }
  | { readonly ok: false; readonly failure: RegistryFailure };

/** One platform child of an image index / manifest list. */
export interface PlatformManifest {
  readonly os: string;
  readonly architecture: string;
  readonly variant: string | undefined;
  /** Windows children: the build they need (`os.version`). */
  readonly osVersion?: string | undefined;
  /** False for a child with no `platform` object (containerd keeps those, ranked last). */
  readonly hasPlatform?: boolean;
  readonly digest: Digest;
  readonly mediaType: string;
}

export type PlatformsResult =
  | { readonly ok: true; readonly platforms: readonly PlatformManifest[] }
  | { readonly ok: false; readonly failure: RegistryFailure };

export type ConfigDigestResult =
  | { readonly ok: true; readonly configDigest: Digest }
  | { readonly ok: false; readonly failure: RegistryFailure };

/** The registry questions kube-fresh asks. Implemented over HTTP in `registry/`; fakes in tests. */
export interface ImageResolver {
  /** What the reference's tag points to now (HEAD). The reference must have a tag. */
  resolveTag(ref: ImageReference): Promise<TagResolution>;
  /** The platform children of an index, by the index digest (cached for the process). A
   * single-platform manifest yields an empty list. */
  platforms(ref: ImageReference, digest: Digest): Promise<PlatformsResult>;
  /** The config digest of a platform manifest (what a bare image ID equals). */
  configDigest(ref: ImageReference, manifestDigest: Digest): Promise<ConfigDigestResult>;
}

/** Media types a registry may answer a manifest request with. */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList;
}
