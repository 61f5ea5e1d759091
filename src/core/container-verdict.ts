// Is a running container on what its tag points to now? Pure: the caller supplies registry facts
// and, when a fact is missing, gets back the lookups to make (then asks again). Comparison follows
// the semantics doc §4.2: the running digest equals the tag's digest, or that index's child for
// the node's platform, or — for a bare image ID — that child's config digest. `unknown` is an
// answer of its own and never turns into fresh or stale.

import type { Digest } from './digest.ts';
import { parseImageReference, referenceName, type ImageReference } from './image-reference.ts';
import {
  describeOfferedPlatforms,
  formatPlatform,
  selectPlatformChild,
  type NodePlatform,
} from './platform.ts';
import { parseRunningImageId, type RunningImage } from './running-image-id.ts';
import {
  isIndexMediaType,
  type ConfigDigestResult,
  type PlatformManifest,
  type PlatformsResult,
  type RegistryFailureKind,
  type TagResolution,
} from './image-resolver.ts';

/** What the tag points to now; an index has platform children. */
interface CurrentImage {
  readonly digest: Digest;
  readonly isIndex: boolean;
}

export interface RunningContainer {
  /** The image string from the Pod spec. */
  readonly specImage: string;
  /** `containerStatuses[].imageID` as reported; empty before the container is created. */
  readonly imageId: string | undefined;
  /** The platform of the node it runs on, when known. */
  readonly node: NodePlatform | undefined;
}

export type UnknownReason =
  | 'registry'
  | 'no-image-id'
  | 'unparsable-image-id'
  | 'invalid-image'
  | 'no-matching-platform'
  | 'unknown-node'
  /** A pull Secret of the Pod the kubelet cannot read: it uses no credentials at all for it. */
  | 'pull-secret';

export type ContainerVerdict =
  | {
      readonly verdict: 'fresh';
      readonly running: string;
      readonly current: Digest;
      /** `content`: another digest of the repository selecting the same bits for the node. */
      readonly matchedBy: 'digest' | 'platform-child' | 'config' | 'content';
    }
  | { readonly verdict: 'stale'; readonly running: string; readonly current: Digest }
  | {
      readonly verdict: 'pinned';
      readonly pinned: Digest;
      readonly tagCheck: 'same' | 'unknown' | 'no-tag';
      readonly note?: string;
    }
  | { readonly verdict: 'pinned-behind'; readonly pinned: Digest; readonly current: Digest }
  | {
      readonly verdict: 'unknown';
      readonly reason: UnknownReason;
      readonly failureKind?: RegistryFailureKind;
      readonly message: string;
    };

/** Registry answers gathered so far; `undefined` means "not asked yet". */
export interface RegistryFacts {
  tag(ref: ImageReference): TagResolution | undefined;
  platforms(ref: ImageReference, digest: Digest): PlatformsResult | undefined;
  config(ref: ImageReference, digest: Digest): ConfigDigestResult | undefined;
}

export type Lookup =
  | { readonly kind: 'tag'; readonly ref: ImageReference }
  | { readonly kind: 'platforms'; readonly ref: ImageReference; readonly digest: Digest }
  | { readonly kind: 'config'; readonly ref: ImageReference; readonly digest: Digest };

export type Judgement =
  { readonly verdict: ContainerVerdict } | { readonly needs: readonly Lookup[] };

type Step<T> = { ok: true; value: T } | { ok: false; judgement: Judgement };

export function judgeContainer(container: RunningContainer, facts: RegistryFacts): Judgement {
  const parsed = parseImageReference(container.specImage);
  if (!parsed.ok)
    return unknown('invalid-image', `the image does not parse: ${parsed.problem.message}`);
  const ref = parsed.reference;
  if (ref.digest !== undefined) return judgePinned(ref, ref.digest, facts);
  const tag = facts.tag(ref);
  if (tag === undefined) return { needs: [{ kind: 'tag', ref }] };
  if (!tag.ok) return unknown('registry', `registry: ${tag.failure.message}`, tag.failure.kind);
  const running = parseRunningImageId(container.imageId);
  if (!running.ok)
    return unknown(
      running.problem === 'missing' ? 'no-image-id' : 'unparsable-image-id',
      running.message,
    );
  const current = { digest: tag.value.digest, isIndex: isIndexMediaType(tag.value.mediaType) };
  return compareRunning(ref, current, running.image, container.node, facts);
}

function judgePinned(ref: ImageReference, pinned: Digest, facts: RegistryFacts): Judgement {
  if (ref.tag === undefined) return { verdict: { verdict: 'pinned', pinned, tagCheck: 'no-tag' } };
  const tag = facts.tag(ref);
  if (tag === undefined) return { needs: [{ kind: 'tag', ref }] };
  if (!tag.ok) {
    return {
      verdict: {
        verdict: 'pinned',
        pinned,
        tagCheck: 'unknown',
        note: `could not check whether :${ref.tag} moved: ${tag.failure.message}`,
      },
    };
  }
  if (tag.value.digest === pinned)
    return { verdict: { verdict: 'pinned', pinned, tagCheck: 'same' } };
  return { verdict: { verdict: 'pinned-behind', pinned, current: tag.value.digest } };
}

function compareRunning(
  ref: ImageReference,
  current: CurrentImage,
  running: RunningImage,
  node: NodePlatform | undefined,
  facts: RegistryFacts,
): Judgement {
  const sameRepository =
    running.repository === undefined || running.repository === referenceName(ref);
  if (running.kind === 'repo-digest' && running.digest === current.digest)
    return fresh(running.digest, current.digest, 'digest');
  if (running.kind === 'repo-digest' && sameRepository)
    return compareInDigestSpace(ref, current, running.digest, node, facts);
  // A bare image ID, or a repo digest of another repository (containerd keys images by config
  // digest and reports the first repo digest of any repository): compare configs.
  if (node === undefined)
    return unknown(
      'unknown-node',
      'the node and its platform are not known, so the image ID cannot be compared',
    );
  const currentConfig = configForPlatform(ref, current.digest, node, facts, current.isIndex);
  if (!currentConfig.ok) return currentConfig.judgement;
  const runningConfig =
    running.kind === 'image-id'
      ? { ok: true as const, value: running.digest }
      : configOfOtherRepository(running, node, facts);
  if (!runningConfig.ok) return runningConfig.judgement;
  return runningConfig.value === currentConfig.value
    ? fresh(running.digest, current.digest, 'config')
    : stale(running.digest, current.digest);
}

function compareInDigestSpace(
  ref: ImageReference,
  current: CurrentImage,
  running: Digest,
  node: NodePlatform | undefined,
  facts: RegistryFacts,
): Judgement {
  // A single-platform tag: its one digest is the only current one. (Rule (d) is for re-indexed
  // tags; checking old single manifests by content would cost GETs on every stale container.)
  if (!current.isIndex) return stale(running, current.digest);
  const platforms = facts.platforms(ref, current.digest);
  if (platforms === undefined)
    return { needs: [{ kind: 'platforms', ref, digest: current.digest }] };
  if (!platforms.ok)
    return unknown('registry', `registry: ${platforms.failure.message}`, platforms.failure.kind);
  const currentChildren = platforms.platforms;
  if (currentChildren.some((child) => child.digest === running)) {
    // Running a child of the current index. On a known node it must be that node's child.
    const child = node === undefined ? undefined : selectPlatformChild(currentChildren, node);
    if (child === undefined || child.digest === running)
      return fresh(running, current.digest, 'platform-child');
    return stale(running, current.digest);
  }
  return compareByContent(ref, { ...current, children: currentChildren }, running, node, facts);
}

/**
 * Rule (d): another digest of the same repository may still carry the same bits for this node —
 * the tag was re-indexed (a platform added) or re-pushed as an index. What the old digest selects
 * for the node (its child, else itself) is compared with what the current one selects: the same
 * manifest, or manifests with the same config (containerd's image ID), is fresh.
 */
function compareByContent(
  ref: ImageReference,
  current: CurrentImage & { readonly children: readonly PlatformManifest[] },
  running: Digest,
  node: NodePlatform | undefined,
  facts: RegistryFacts,
): Judgement {
  if (node === undefined) return stale(running, current.digest);
  const old = facts.platforms(ref, running);
  if (old === undefined) return { needs: [{ kind: 'platforms', ref, digest: running }] };
  // The old manifest is gone from the registry: its content cannot be matched, and its digest
  // is not what the tag names now.
  if (!old.ok && old.failure.kind === 'not-found') return stale(running, current.digest);
  if (!old.ok) return unknown('registry', `registry: ${old.failure.message}`, old.failure.kind);
  const oldManifest =
    old.platforms.length === 0 ? running : selectPlatformChild(old.platforms, node)?.digest;
  const currentManifest = current.isIndex
    ? selectPlatformChild(current.children, node)?.digest
    : current.digest;
  if (currentManifest === undefined)
    return unknown(
      'no-matching-platform',
      `the image offers no manifest a ${formatPlatform(node)} node runs (it has ${describeOfferedPlatforms(current.children)})`,
    );
  if (oldManifest === undefined) return stale(running, current.digest);
  if (oldManifest === currentManifest) return fresh(running, current.digest, 'content');
  return compareConfigs(
    ref,
    { old: oldManifest, current: currentManifest },
    running,
    current.digest,
    facts,
  );
}

/** Two manifests with the same config digest are the same image to containerd (its image ID). */
function compareConfigs(
  ref: ImageReference,
  { old: oldManifest, current: currentManifest }: { old: Digest; current: Digest },
  running: Digest,
  current: Digest,
  facts: RegistryFacts,
): Judgement {
  const oldConfig = facts.config(ref, oldManifest);
  const currentConfig = facts.config(ref, currentManifest);
  const needs: Lookup[] = [];
  if (oldConfig === undefined) needs.push({ kind: 'config', ref, digest: oldManifest });
  if (currentConfig === undefined) needs.push({ kind: 'config', ref, digest: currentManifest });
  if (oldConfig === undefined || currentConfig === undefined) return { needs };
  if (!currentConfig.ok)
    return unknown(
      'registry',
      `registry: ${currentConfig.failure.message}`,
      currentConfig.failure.kind,
    );
  if (!oldConfig.ok) return stale(running, current);
  return oldConfig.configDigest === currentConfig.configDigest
    ? fresh(running, current, 'content')
    : stale(running, current);
}

/**
 * The config digest of the manifest `digest` resolves to on `node` (through its index, if any).
 * `isIndex` is known for a tag's own digest (from the HEAD's media type); for other digests the
 * platform list tells (empty for a single manifest).
 */
function configForPlatform(
  ref: ImageReference,
  digest: Digest,
  node: NodePlatform,
  facts: RegistryFacts,
  isIndex?: boolean,
): Step<Digest> {
  let manifest = digest;
  if (isIndex !== false) {
    const platforms = facts.platforms(ref, digest);
    if (platforms === undefined) return need({ kind: 'platforms', ref, digest });
    if (!platforms.ok) return failed(platforms.failure.message, platforms.failure.kind);
    if (platforms.platforms.length > 0) {
      const child = selectPlatformChild(platforms.platforms, node);
      if (child === undefined) {
        return {
          ok: false,
          judgement: unknown(
            'no-matching-platform',
            `the image offers no manifest a ${formatPlatform(node)} node runs (it has ${describeOfferedPlatforms(platforms.platforms)})`,
          ),
        };
      }
      manifest = child.digest;
    }
  }
  const config = facts.config(ref, manifest);
  if (config === undefined) return need({ kind: 'config', ref, digest: manifest });
  if (!config.ok) return failed(config.failure.message, config.failure.kind);
  return { ok: true, value: config.configDigest };
}

function configOfOtherRepository(
  running: RunningImage,
  node: NodePlatform,
  facts: RegistryFacts,
): Step<Digest> {
  const parsed = parseImageReference(`${running.repository ?? ''}@${running.digest}`);
  if (!parsed.ok)
    return {
      ok: false,
      judgement: unknown(
        'unparsable-image-id',
        `imageID repository ${running.repository ?? ''} does not parse`,
      ),
    };
  return configForPlatform(parsed.reference, running.digest, node, facts);
}

function fresh(
  running: string,
  current: Digest,
  matchedBy: 'digest' | 'platform-child' | 'config' | 'content',
): Judgement {
  return { verdict: { verdict: 'fresh', running, current, matchedBy } };
}

function stale(running: string, current: Digest): Judgement {
  return { verdict: { verdict: 'stale', running, current } };
}

function unknown(
  reason: UnknownReason,
  message: string,
  failureKind?: RegistryFailureKind,
): Judgement {
  return {
    verdict: {
      verdict: 'unknown',
      reason,
      message,
      ...(failureKind === undefined ? {} : { failureKind }),
    },
  };
}

function need<T>(lookup: Lookup): Step<T> {
  return { ok: false, judgement: { needs: [lookup] } };
}

function failed<T>(message: string, kind: RegistryFailureKind): Step<T> {
  return { ok: false, judgement: unknown('registry', `registry: ${message}`, kind) };
}

export type WorkloadVerdict = 'fresh' | 'stale' | 'mixed' | 'pinned' | 'pinned-behind' | 'unknown';

/**
 * One verdict for a container across a workload's replicas. `mixed`: replicas run different
 * digests of one tag (some current and some not, or different old ones). An unknown replica makes
 * the whole unknown unless the known ones already prove the replicas differ.
 */
export function judgeWorkload(verdicts: readonly ContainerVerdict[]): WorkloadVerdict {
  if (verdicts.length === 0) return 'unknown';
  if (verdicts.some((v) => v.verdict === 'pinned-behind')) return 'pinned-behind';
  if (verdicts.every((v) => v.verdict === 'pinned')) return 'pinned';
  const fresh = verdicts.filter((v) => v.verdict === 'fresh');
  const staleDigests = new Set(verdicts.flatMap((v) => (v.verdict === 'stale' ? [v.running] : [])));
  if ((fresh.length > 0 && staleDigests.size > 0) || staleDigests.size > 1) return 'mixed';
  if (verdicts.some((v) => v.verdict === 'unknown')) return 'unknown';
  return staleDigests.size > 0 ? 'stale' : 'fresh';
}
