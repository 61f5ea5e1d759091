// The exact strings a v1.35 kubelet writes, as pure functions (semantics doc §2.3, §2.4, §4.3;
// pkg/kubelet/images/image_manager.go, kuberuntime_container.go). The stand-in kubelet uses them,
// and tests compare against them.

import { parseImageReference } from '../../src/core/image-reference.ts';

/**
 * applyDefaultImageTag: `nginx` → `nginx:latest`; anything with a tag or digest unchanged. The
 * Pulling/Pulled/Failed/BackOff messages use this form, the "already present" and Never ones the
 * spec string as written.
 */
export function imageWithDefaultTag(specImage: string): string {
  const parsed = parseImageReference(specImage);
  if (!parsed.ok) return specImage;
  const { tag, digest } = parsed.reference;
  return tag === undefined && digest === undefined ? `${specImage}:latest` : specImage;
}

export const kubeletMessages = {
  pulling: (specImage: string): string => `Pulling image "${imageWithDefaultTag(specImage)}"`,
  pulled: (specImage: string, pullMs: number, totalMs: number, sizeBytes: number): string =>
    `Successfully pulled image "${imageWithDefaultTag(specImage)}" in ${formatGoDuration(pullMs)} ` +
    `(${formatGoDuration(totalMs)} including waiting). Image size: ${sizeBytes} bytes.`,
  /** `verified`: KubeletEnsureSecretPulledImages on (the v1.35 default). */
  alreadyPresent: (specImage: string, verified: boolean): string =>
    `Container image "${specImage}" already present on machine${verified ? ' and can be accessed by the pod' : ''}`,
  failedToPull: (specImage: string, error: string): string =>
    `Failed to pull image "${imageWithDefaultTag(specImage)}": ${error}`,
  backOff: (specImage: string): string =>
    `Back-off pulling image "${imageWithDefaultTag(specImage)}"`,
  /** state.waiting.message during ImagePullBackOff since v1.32 (PR #127918). */
  backOffWaiting: (specImage: string, error: string): string =>
    `Back-off pulling image "${imageWithDefaultTag(specImage)}": ErrImagePull: ${error}`,
  neverPull: (specImage: string): string =>
    `Container image "${specImage}" is not present with pull policy of Never`,
  invalidName: (specImage: string): string =>
    `Failed to apply default image tag "${specImage}": couldn't parse image name "${specImage}": invalid reference format`,
  /** startContainer's Failed event after any EnsureImageExists error. */
  error: (reason: string): string => `Error: ${reason}`,
  created: (container: string): string => `Created container: ${container}`,
  started: (container: string): string => `Started container ${container}`,
};

/** containerd's answer when a tag does not exist in the registry. */
export function containerdNotFound(normalised: string): string {
  return (
    `rpc error: code = NotFound desc = failed to pull and unpack image "${normalised}": ` +
    `failed to resolve reference "${normalised}": ${normalised}: not found`
  );
}

/** Go's time.Duration.String() for a whole number of milliseconds (the kubelet truncates to ms). */
export function formatGoDuration(ms: number): string {
  const whole = Math.max(0, Math.trunc(ms));
  if (whole === 0) return '0s';
  if (whole < 1000) return `${whole}ms`;
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const secondsMs = whole % 60_000;
  const fraction = String(secondsMs % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  const seconds = `${Math.floor(secondsMs / 1000)}${fraction === '' ? '' : `.${fraction}`}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

export interface RuntimeImage {
  /** `sha256:<config digest>`: the image ID. */
  readonly id: string;
  readonly repoTags: readonly string[];
  readonly repoDigests: readonly string[];
  readonly sizeBytes: number;
}

/**
 * node.status.images (§4.3): largest first, at most `maxImages` entries (nodeStatusMaxImages,
 * default 50; -1 = all), each with RepoDigests then RepoTags, at most 5 names.
 */
export function nodeStatusImages(
  images: readonly RuntimeImage[],
  maxImages = 50,
): { names: string[]; sizeBytes: number }[] {
  const sorted = [...images].sort((a, b) => b.sizeBytes - a.sizeBytes);
  const kept = maxImages < 0 ? sorted : sorted.slice(0, maxImages);
  return kept.map((image) => ({
    names: [...[...image.repoDigests].sort(), ...[...image.repoTags].sort()].slice(0, 5),
    sizeBytes: image.sizeBytes,
  }));
}

/** RFC 3339 with seconds, as metav1.Time serialises. */
export function apiTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime: six fractional digits (the API server rejects three). */
export function apiMicroTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
