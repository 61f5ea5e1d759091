// The ways out, each with the exact command and what it costs. Pinning a digest is the default
// advice: it works under IfNotPresent on every node and keeps the registry off the start path.

import { parseImageReference } from '../../core/image-reference.ts';
import type { Digest } from '../../core/digest.ts';
import { isPatchableKind, pinnedImage, pinnedName } from '../../core/pin.ts';
import type { WorkloadContainerReport } from '../workload-report.ts';

export interface FixOption {
  readonly strategy: 'pin-in-git' | 'pin-live' | 'pull-always' | 'restart' | 'recreate';
  readonly command: string;
  readonly effect: string;
  readonly tradeoff: string;
}

export function fixOptionsFor(w: WorkloadContainerReport): FixOption[] {
  const parsed = parseImageReference(w.image);
  if (!parsed.ok || w.verdict === 'pinned' || w.verdict === 'unknown') return [];
  const ref = parsed.reference;
  const target = `${w.workload.kind.toLowerCase()}/${w.workload.name}`;
  const ns = `-n ${w.namespace}`;
  // Exactly what `fix` and `pin` would write (the core rule), so the advice matches the action.
  const pinned =
    w.current === undefined
      ? `${pinnedName(w.image, ref)}@sha256:…`
      : pinnedImage(w.image, ref, w.current as Digest);
  const options: FixOption[] = [
    {
      strategy: 'pin-in-git',
      command: `kube-fresh pin --write <your manifests>   # image: ${pinned}`,
      effect: 'the manifests say which bits run; the next deploy rolls every Pod to them',
      tradeoff:
        'goes through review and your CD; re-pin when the tag moves (kube-fresh pin --check in CI catches drift)',
    },
  ];
  if (isPatchableKind(w.workload.kind)) {
    options.push({
      strategy: 'pin-live',
      command: `kube-fresh fix ${ns} ${target}`,
      effect: `patches the Pod template to ${pinned}: a normal rolling update that works under IfNotPresent on every node`,
      tradeoff: 'a live change: Argo CD or Flux will revert it unless the manifests are pinned too',
    });
    options.push({
      strategy: 'pull-always',
      command: `kube-fresh fix --strategy pull-always ${ns} ${target}`,
      effect:
        'sets imagePullPolicy: Always and restarts, so every container start asks the registry',
      tradeoff:
        'a registry round trip on every start; Pods cannot start while the registry is down or rate-limiting',
    });
    if (w.policy.policy === 'Always') {
      options.push({
        strategy: 'restart',
        command: `kubectl rollout restart ${ns} ${target}`,
        effect: 'new Pods pull the tag again (the policy is Always)',
        tradeoff: 'fixes today only: the next tag move needs another restart',
      });
    }
  } else {
    options.push({
      strategy: 'recreate',
      command: `kubectl ${ns} get ${target} -o yaml > ${w.workload.name}.yaml  # set image: ${pinned}, then delete and apply`,
      effect: `a ${w.workload.kind} cannot be rolled forward in place; recreate it with the pinned image`,
      tradeoff: 'the workload is replaced, not rolled',
    });
  }
  return options;
}
