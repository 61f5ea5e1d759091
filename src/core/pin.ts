// The pin rule, once, for every front door (`pin`, live `fix`, `explain`'s advice, and the
// controller and webhook to come): a pinned image is `repo:tag@sha256:<current>` with the name kept
// exactly as the user wrote it, so the tag stays for people and re-pinning while the digest decides
// what runs.

import type { Digest } from './digest.ts';
import type { ImageReference } from './image-reference.ts';

/** The pull policy a pin sets when the pinned image would otherwise default to Always. */
export const PINNED_PULL_POLICY = 'IfNotPresent';

/** Workload kinds whose Pod template a live fix patches (a bare Pod or a Job cannot be rolled). */
export const PATCHABLE_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'CronJob',
  'Rollout',
]);

export function isPatchableKind(kind: string): boolean {
  return PATCHABLE_KINDS.has(kind);
}

/**
 * The name part of the pinned image: as written (any old digest dropped), with `:latest` added
 * to an untagged image, so `nginx` → `nginx:latest`, `ghcr.io/a/b:1@sha256:old` → `ghcr.io/a/b:1`.
 */
export function pinnedName(written: string, ref: ImageReference): string {
  const at = written.indexOf('@');
  const name = at < 0 ? written : written.slice(0, at);
  return ref.tag === undefined ? `${name}:latest` : name;
}

/** `nginx:1.27` → `nginx:1.27@<digest>`, `nginx` → `nginx:latest@<digest>`, an old digest replaced. */
export function pinnedImage(written: string, ref: ImageReference, digest: Digest): string {
  return `${pinnedName(written, ref)}@${digest}`;
}

/**
 * The pull policy a pin must set, or undefined to leave it: the API server defaults an image whose
 * tag is `latest` to Always even with a digest (it checks only the tag), and a digest never needs
 * the registry's opinion again, so an undeclared policy becomes IfNotPresent. A declared policy is
 * the user's choice and stays.
 */
export function pinnedPullPolicy(
  ref: ImageReference,
  declared: boolean,
): typeof PINNED_PULL_POLICY | undefined {
  const defaultsToAlways = ref.tag === undefined || ref.tag === 'latest';
  return defaultsToAlways && !declared ? PINNED_PULL_POLICY : undefined;
}
