// Why a workload container has its verdict, in sentences built from the facts: the policy, the
// digests, the nodes and the kubelet's own Events.

import { shortDigest } from '../../core/digest.ts';
import { ensureSecretPulledImagesDefault } from '../../core/ensure-secret-pulled.ts';
import type { PodExplanation } from './explain-report.ts';
import type { WorkloadContainerReport } from '../workload-report.ts';

export function describeCause(
  w: WorkloadContainerReport,
  pods: readonly PodExplanation[],
): string[] {
  const current = w.current === undefined ? undefined : shortDigest(w.current);
  switch (w.verdict) {
    case 'fresh':
      return [
        `Every Pod runs what ${w.familiarImage} points to now (${current ?? '?'}).`,
        ...riskLines(w),
      ];
    case 'pinned':
      return pinnedLines(pods);
    case 'pinned-behind':
      return [
        `The image is pinned by digest, so every Pod runs the same bits, but the tag has moved on to ${current ?? '?'}: the pin is behind. Re-pin to pick up the new image.`,
      ];
    case 'unknown':
      return unknownLines(pods);
    case 'stale':
    case 'mixed':
      return [
        ...(w.verdict === 'mixed' ? [mixedLine(w)] : []),
        ...pods.flatMap((p) => staleLines(w, p, current)),
        ...repullLines(w, pods),
        ...riskLines(w),
      ];
  }
}

function staleLines(
  w: WorkloadContainerReport,
  pod: PodExplanation,
  current: string | undefined,
): string[] {
  if (pod.verdict.verdict !== 'stale') return [];
  const where = `Pod ${pod.pod}${pod.node === undefined ? '' : ` on ${pod.node}`}`;
  const old = shortDigest(pod.verdict.running);
  const cached = [...pod.events].reverse().find((e) => e.kind === 'cached');
  const pulled = [...pod.events].reverse().find((e) => e.kind === 'pulled');
  if (cached !== undefined && w.policy.policy !== 'Always') {
    return [
      `${where} runs ${old}, not ${current ?? 'the current image'}: when it started${cached.at ? ` (${cached.at})` : ''} the kubelet found ${w.familiarImage} already in the node's image cache (its Event: ${cached.message}) and, under ${w.policy.policy}, did not ask the registry. The node had cached the tag before it moved.${reuseSentence(w, pod)}`,
    ];
  }
  if (pulled !== undefined) {
    return [
      `${where} runs ${old}: it pulled the image${pulled.at ? ` at ${pulled.at}` : ''}, before ${w.familiarImage} moved to ${current ?? 'its current digest'}.${w.policy.policy === 'Always' ? ' Under Always, its next container start will pull the new image.' : ''}`,
    ];
  }
  if (w.policy.policy === 'Always') {
    return [
      `${where} runs ${old}: it started${pod.since ? ` at ${pod.since}` : ''}, before ${w.familiarImage} moved to ${current ?? 'its current digest'}. Under Always, a restart pulls the new image.`,
    ];
  }
  return [
    `${where} runs ${old}, not ${current ?? 'the current image'}. Under ${w.policy.policy} the kubelet reuses whatever the node cached under ${w.familiarImage}; no image Events remain for this Pod to say when (Events expire after an hour by default).`,
  ];
}

/** KEP-2535: why a kubelet ≥ 1.35 let this Pod reuse the cached copy. */
function reuseSentence(w: WorkloadContainerReport, pod: PodExplanation): string {
  if (ensureSecretPulledImagesDefault(pod.kubeletVersion) !== 'on') return '';
  const secrets = (pod.pullSecrets ?? []).join(', ');
  const why =
    w.credentialSource?.kind === 'anonymous'
      ? 'the image is public, so the cached copy was pulled anonymously and any Pod may reuse it'
      : secrets === ''
        ? 'this Pod presents no pull Secret, so the cached copy must have been pulled anonymously or with node-wide credentials'
        : `this Pod presents pull Secret ${secrets}, the credentials the cached copy was pulled with (the kubelet's pull record for it matches)`;
  return ` Its kubelet (${pod.kubeletVersion ?? '?'}) has KubeletEnsureSecretPulledImages (KEP-2535) on by default, and reused the cached copy because ${why}; that depends on the kubelet's imagePullCredentialsVerificationPolicy (default NeverVerifyPreloadedImages).`;
}

/** KEP-2535: a Pod that pulled the current image on a node where others run an old one. */
function repullLines(w: WorkloadContainerReport, pods: readonly PodExplanation[]): string[] {
  return pods.flatMap((pod) => {
    if (pod.verdict.verdict !== 'fresh' || pod.node === undefined) return [];
    if (ensureSecretPulledImagesDefault(pod.kubeletVersion) !== 'on') return [];
    const oldHere = pods.some((p) => p.node === pod.node && p.verdict.verdict === 'stale');
    const pulled = [...pod.events].reverse().find((e) => e.kind === 'pulled');
    if (!oldHere || pulled === undefined || w.policy.policy === 'Always') return [];
    const secrets = (pod.pullSecrets ?? []).join(', ') || 'none';
    return [
      `Pod ${pod.pod} on ${pod.node} runs the current image although the node had ${w.familiarImage} cached at an older digest: its kubelet (${pod.kubeletVersion ?? '?'}) has KubeletEnsureSecretPulledImages (KEP-2535) on by default, found no pull record letting this Pod's credentials (pull Secret ${secrets}) use the cached copy, and pulled again${pulled.at ? ` at ${pulled.at}` : ''}, getting what the tag points to now.`,
    ];
  });
}

function mixedLine(w: WorkloadContainerReport): string {
  const parts = w.running.map(
    (r) =>
      `${r.pods} Pod${r.pods === 1 ? '' : 's'} run${r.pods === 1 ? 's' : ''} ${shortDigest(r.digest)} (${r.verdict}${r.nodes.length > 0 ? ` on ${r.nodes.join(', ')}` : ''})`,
  );
  return `Replicas of ${w.familiarImage} run different images: ${parts.join('; ')}.`;
}

function riskLines(w: WorkloadContainerReport): string[] {
  return w.nodeRisks.flatMap((r) => {
    const old = shortDigest(r.cachedDigest ?? '');
    const kep =
      r.credentialCheck === undefined ||
      ensureSecretPulledImagesDefault(r.credentialCheck.kubeletVersion) !== 'on'
        ? ''
        : ` (KEP-2535, kubelet ${r.credentialCheck.kubeletVersion ?? '?'}: ${r.credentialCheck.reason})`;
    if (r.risk === 'old-image-cached')
      return [
        `Node ${r.node} caches ${w.familiarImage} at the old ${old}: a new Pod scheduled there would start the old image, because ${w.policy.policy} does not ask the registry${kep}.`,
      ];
    if (r.risk === 'reverify-pulls')
      return [
        `Node ${r.node} caches ${w.familiarImage} at the old ${old}, but a new Pod of this workload would not start it${kep}.`,
      ];
    return [];
  });
}

function pinnedLines(pods: readonly PodExplanation[]): string[] {
  const verdict = pods.find((p) => p.verdict.verdict === 'pinned')?.verdict;
  if (verdict?.verdict !== 'pinned')
    return ['The image is pinned by digest, so it cannot go stale.'];
  if (verdict.tagCheck === 'same')
    return [
      'The image is pinned by digest, so it cannot go stale, and its tag still points to the same digest.',
    ];
  if (verdict.tagCheck === 'unknown')
    return [
      `The image is pinned by digest, so it cannot go stale; ${verdict.note ?? 'whether its tag moved is unknown'}.`,
    ];
  return ['The image is referenced by digest alone, so it cannot go stale.'];
}

function unknownLines(pods: readonly PodExplanation[]): string[] {
  const reasons = new Set(
    pods.flatMap((p) => (p.verdict.verdict === 'unknown' ? [p.verdict.message] : [])),
  );
  return [
    `kube-fresh cannot tell whether these Pods are current: ${[...reasons].join('; ') || 'no verdict'}. Unknown is never reported as fresh or stale.`,
  ];
}
