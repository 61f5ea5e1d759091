// Where a container's pull policy came from, told against the workload's Pod template: the Pod's
// own field says only what it runs with. A Pod whose policy differs from its template's was changed
// at admission (e.g. the AlwaysPullImages plugin, which touches Pods only); a template whose
// applied configuration sets the field was explicit; otherwise the API server defaulted it.

import { effectivePullPolicy, type EffectivePullPolicy } from '../../core/pull-policy.ts';
import type { LiveWorkload } from '../../cluster/write/workload-writer.ts';

export function policyAgainstTemplate(
  image: string,
  container: { name: string; kind: string },
  podPolicy: EffectivePullPolicy,
  workload: LiveWorkload | undefined,
): EffectivePullPolicy {
  const template = workload?.containers.find(
    (c) => c.name === container.name && c.kind === container.kind,
  );
  if (template === undefined || template.imagePullPolicy === undefined) return podPolicy;
  const kind = workload?.ref.kind ?? 'workload';
  if (template.imagePullPolicy !== podPolicy.policy) {
    return {
      policy: podPolicy.policy,
      source: 'admission',
      reason: `changed at admission: the ${kind} template says ${template.imagePullPolicy}, but the Pod was created with ${podPolicy.policy} (an admission plugin such as AlwaysPullImages, or a mutating webhook)`,
    };
  }
  if (template.pullPolicyDeclared) {
    return {
      policy: podPolicy.policy,
      source: 'explicit',
      reason: `explicit: the ${kind}'s applied configuration sets imagePullPolicy ${template.imagePullPolicy}`,
    };
  }
  const defaulted = effectivePullPolicy(image);
  if (defaulted.policy === podPolicy.policy) return defaulted;
  return {
    policy: podPolicy.policy,
    source: 'explicit',
    reason: `set to ${podPolicy.policy} in the ${kind} template (the default would be ${defaulted.policy})`,
  };
}
