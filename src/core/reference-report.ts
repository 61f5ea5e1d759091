// What Kubernetes does with one image string: the data behind `kube-fresh ref`.

import { describeCredentialVerification } from './ensure-secret-pulled.ts';
import {
  familiarString,
  parseImageReference,
  referenceName,
  type ImageReference,
  type ReferenceProblemCode,
} from './image-reference.ts';
import {
  effectivePullPolicy,
  kubeletImageActionFor,
  type KubeletImageAction,
  type PullPolicy,
  type PullPolicySource,
} from './pull-policy.ts';

export interface ReferenceReport {
  readonly input: string;
  readonly valid: boolean;
  readonly name: string | null;
  readonly domain: string | null;
  readonly path: string | null;
  readonly tag: string | null;
  /** True when Kubernetes adds `latest` because neither a tag nor a digest was written. */
  readonly tagImplicit: boolean | null;
  readonly digest: string | null;
  readonly familiar: string | null;
  readonly pullPolicy: PullPolicy;
  readonly pullPolicySource: PullPolicySource;
  readonly pullPolicyReason: string;
  readonly mutable: boolean | null;
  /** The kubelet's action at a container start, with the image cached on the node and without. */
  readonly kubelet: {
    readonly imagePresent: KubeletImageAction;
    readonly imageAbsent: KubeletImageAction;
  };
  /**
   * KEP-2535 for a cached image (IfNotPresent/Never): whether a Pod reuses it depends on the
   * node's kubelet version, imagePullCredentialsVerificationPolicy and the Pod's credentials
   * matching the first puller's. Null under Always.
   */
  readonly credentialVerification: string | null;
  readonly error?: {
    readonly code: ReferenceProblemCode;
    readonly message: string;
    readonly upstream: string;
    readonly column: number | null;
  };
}

/**
 * Describes an image as the API server and kubelet would treat it. An invalid image still gets a
 * policy: the API server ignores the parse error and defaults to IfNotPresent, and the kubelet then
 * fails the container with InvalidImageName.
 */
export function describeReference(input: string, explicitPolicy?: PullPolicy): ReferenceReport {
  const policy = effectivePullPolicy(input, explicitPolicy);
  const kubelet = {
    imagePresent: kubeletImageActionFor(input, policy.policy, true),
    imageAbsent: kubeletImageActionFor(input, policy.policy, false),
  };
  const parsed = parseImageReference(input);
  const parts = parsed.ok ? describeParts(parsed.reference) : INVALID_PARTS;
  // Keys in the documented JSON order.
  return {
    input,
    valid: parsed.ok,
    ...parts,
    pullPolicy: policy.policy,
    pullPolicySource: policy.source,
    mutable: parsed.ok ? parsed.reference.digest === undefined : null,
    pullPolicyReason: policy.reason,
    kubelet,
    credentialVerification: describeCredentialVerification(policy.policy) ?? null,
    ...(parsed.ok ? {} : { error: { ...parsed.problem, column: parsed.problem.column ?? null } }),
  };
}

type ReferenceParts = Pick<
  ReferenceReport,
  'name' | 'domain' | 'path' | 'tag' | 'tagImplicit' | 'digest' | 'familiar'
>;

const INVALID_PARTS: ReferenceParts = {
  name: null,
  domain: null,
  path: null,
  tag: null,
  tagImplicit: null,
  digest: null,
  familiar: null,
};

function describeParts(ref: ImageReference): ReferenceParts {
  const tagImplicit = ref.tag === undefined && ref.digest === undefined;
  return {
    name: referenceName(ref),
    domain: ref.domain,
    path: ref.path,
    tag: tagImplicit ? 'latest' : (ref.tag ?? null),
    tagImplicit,
    digest: ref.digest ?? null,
    familiar: familiarString(ref),
  };
}
