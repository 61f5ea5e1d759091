// The admission decisions for Pods, as values: /mutate pins tag images to the digest the tag
// points to now, /validate applies the runtime lint rules. Fail open and fast: whatever the
// registry does (down, slow, 401, 429) the Pod is admitted, unchanged where no answer came in
// time, with a warning. The registry look-ups are the only I/O, behind `PodTagResolver`.

import type { ImageReference } from '../../core/image-reference.ts';
import { limitWarnings } from './admission-warnings.ts';
import {
  pinCandidates,
  pinPatch,
  type JsonPatchOp,
  type PinCandidate,
  type TagOutcome,
} from './pod-pin-plan.ts';
import { findingLine, podPolicyFindings, type PolicyMode } from './pod-policy.ts';

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** What the use case needs from an AdmissionReview request (decoded in src/webhook/). */
export interface AdmissionRequestView {
  readonly uid: string;
  readonly kind: GroupVersionKind;
  readonly subResource: string | undefined;
  readonly namespace: string;
  readonly operation: string;
  readonly dryRun: boolean;
  readonly object: unknown;
  readonly oldObject: unknown;
}

/** The metric label and log field for each decision. */
export type AdmissionResult =
  'pinned' | 'partly-pinned' | 'unchanged' | 'skipped' | 'failed-open' | 'warned' | 'denied';

export type AdmissionDecision =
  | {
      readonly allowed: true;
      readonly result: AdmissionResult;
      readonly patch: readonly JsonPatchOp[];
      readonly warnings: readonly string[];
    }
  | {
      readonly allowed: false;
      readonly result: 'denied';
      readonly code: number;
      readonly message: string;
      readonly warnings: readonly string[];
    };

/** The Pod's credential context: the kubelet uses its imagePullSecrets (the SA's merged in). */
export interface PodCredentialScope {
  readonly namespace: string;
  readonly pullSecretNames: readonly string[];
}

/** Tag look-ups for one Pod; never rejects (a failure is a TagOutcome). */
export type TagLookup = (reference: ImageReference, tagKey: string) => Promise<TagOutcome>;

export interface PodTagResolver {
  /** Prepares look-ups with the Pod's credentials (reads its pull secrets); never rejects. */
  forPod(scope: PodCredentialScope): Promise<{ lookup: TagLookup; warnings: readonly string[] }>;
}

export interface MutateSettings {
  readonly resolver: PodTagResolver;
  /** Namespaces never touched (kube-system by default). */
  readonly excludedNamespaces: ReadonlySet<string>;
  /** Whole-admission budget for the look-ups; past it the Pod goes on unchanged. */
  readonly resolveTimeoutMs: number;
}

const ALLOW_UNTOUCHED = { allowed: true, patch: [], warnings: [] } as const;

/** POST /mutate. */
export async function mutatePod(
  request: AdmissionRequestView,
  settings: MutateSettings,
): Promise<AdmissionDecision> {
  if (!appliesTo(request, settings.excludedNamespaces)) {
    return { ...ALLOW_UNTOUCHED, result: 'skipped' };
  }
  const candidates = pinCandidates(
    request.object,
    request.operation === 'UPDATE' ? request.oldObject : undefined,
  );
  if (candidates.length === 0) return { ...ALLOW_UNTOUCHED, result: 'unchanged' };
  const { outcomes, warnings } = await lookUpWithin(request, candidates, settings);
  const patch = pinPatch(request.object, candidates, outcomes);
  const result: AdmissionResult =
    patch.pinned === 0 ? 'failed-open' : patch.notPinned.length > 0 ? 'partly-pinned' : 'pinned';
  return {
    allowed: true,
    result,
    patch: patch.ops,
    warnings: limitWarnings([...patch.notPinned, ...(patch.notPinned.length > 0 ? warnings : [])]),
  };
}

async function lookUpWithin(
  request: AdmissionRequestView,
  candidates: readonly PinCandidate[],
  settings: MutateSettings,
): Promise<{ outcomes: Map<string, TagOutcome>; warnings: readonly string[] }> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), settings.resolveTimeoutMs);
  });
  const timedOut: TagOutcome = {
    ok: false,
    reason: `no registry answer within ${settings.resolveTimeoutMs} ms`,
  };
  try {
    // A resolver that breaks its promise not to reject still fails open, never a 500.
    const prepared = await Promise.race([
      settings.resolver.forPod(credentialScope(request)).catch(() => 'broken' as const),
      expired,
    ]);
    if (prepared === 'broken') {
      const broken: TagOutcome = { ok: false, reason: 'credential look-up failed' };
      return { outcomes: new Map(candidates.map((c) => [c.tagKey, broken])), warnings: [] };
    }
    if (prepared === 'expired') {
      return { outcomes: new Map(candidates.map((c) => [c.tagKey, timedOut])), warnings: [] };
    }
    const unique = new Map(candidates.map((c) => [c.tagKey, c.reference]));
    const settled = await Promise.all(
      [...unique].map(async ([key, reference]) => {
        const outcome = await Promise.race([
          prepared
            .lookup(reference, key)
            .catch((): TagOutcome => ({ ok: false, reason: 'registry look-up failed' })),
          expired,
        ]);
        return [key, outcome === 'expired' ? timedOut : outcome] as const;
      }),
    );
    return { outcomes: new Map(settled), warnings: prepared.warnings };
  } finally {
    clearTimeout(timer);
  }
}

/** POST /validate in `warn` or `deny` mode. */
export function validatePod(
  request: AdmissionRequestView,
  mode: PolicyMode,
  excludedNamespaces: ReadonlySet<string>,
): AdmissionDecision {
  if (!appliesTo(request, excludedNamespaces)) return { ...ALLOW_UNTOUCHED, result: 'skipped' };
  const findings = podPolicyFindings(
    request.object,
    request.operation === 'UPDATE' ? request.oldObject : undefined,
  );
  if (findings.length === 0) return { ...ALLOW_UNTOUCHED, result: 'unchanged' };
  const lines = findings.map(findingLine);
  if (mode === 'warn') {
    return { allowed: true, result: 'warned', patch: [], warnings: limitWarnings(lines) };
  }
  return {
    allowed: false,
    result: 'denied',
    code: 403,
    message: `kube-fresh policy (deny): ${lines.join('; ')}`,
    warnings: limitWarnings(lines),
  };
}

/** Pods (and their ephemeralcontainers subresource) in namespaces not excluded; nothing else. */
function appliesTo(request: AdmissionRequestView, excluded: ReadonlySet<string>): boolean {
  const { kind } = request;
  if (kind.group !== '' || kind.version !== 'v1' || kind.kind !== 'Pod') return false;
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return false;
  if (request.subResource !== undefined && request.subResource !== 'ephemeralcontainers') {
    return false;
  }
  return !excluded.has(request.namespace);
}

function credentialScope(request: AdmissionRequestView): PodCredentialScope {
  const spec = (request.object as { spec?: { imagePullSecrets?: unknown } }).spec;
  const refs = Array.isArray(spec?.imagePullSecrets) ? (spec.imagePullSecrets as unknown[]) : [];
  const names = refs.flatMap((r) => {
    const name = (r as { name?: unknown } | null)?.name;
    return typeof name === 'string' && name !== '' ? [name] : [];
  });
  return { namespace: request.namespace, pullSecretNames: [...new Set(names)] };
}
