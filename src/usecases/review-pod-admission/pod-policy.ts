// The `validate` policy: the lint rules that matter once a Pod exists, judged on the Pod as the
// apiserver will store it (pull policies already defaulted, images already pinned by /mutate when
// it could). KF004 (info) and KF007 (needs a registry) are not runtime rules.

import { explicitPullPolicy, judgeImage, type RuleId } from '../../manifests/lint-rules.ts';
import { podImageSites, siteKey } from './pod-image-sites.ts';

export type PolicyMode = 'warn' | 'deny';

/** KF001 floating tag + IfNotPresent, KF002 latest, KF003 Never, KF005 latest@digest, KF006 invalid. */
export const RUNTIME_RULES: readonly RuleId[] = ['KF001', 'KF002', 'KF003', 'KF005', 'KF006'];

export interface PolicyFinding {
  readonly rule: RuleId;
  /** `containers/app`. */
  readonly site: string;
  readonly image: string;
  readonly message: string;
}

/** Every runtime-rule hit on the Pod's images (only changed images on UPDATE). */
export function podPolicyFindings(pod: unknown, oldPod?: unknown): PolicyFinding[] {
  const before = new Map(
    oldPod === undefined ? [] : podImageSites(oldPod).map((s) => [siteKey(s), s.image]),
  );
  const findings: PolicyFinding[] = [];
  for (const site of podImageSites(pod)) {
    if (oldPod !== undefined && before.get(siteKey(site)) === site.image) continue;
    const written = site.image ?? 'a non-string image';
    const hit = judgeImage({
      image: site.image,
      written,
      pullPolicy: explicitPullPolicy(site.pullPolicy),
    });
    if (hit === undefined || !RUNTIME_RULES.includes(hit.rule)) continue;
    findings.push({ rule: hit.rule, site: siteKey(site), image: written, message: hit.message });
  }
  return findings;
}

/** One line per finding, led by the rule ID: `KF001 containers/app nginx:1.27: …`. */
export function findingLine(finding: PolicyFinding): string {
  return `${finding.rule} ${finding.site} ${finding.image}: ${finding.message}`;
}
