// The dashboard's JSON API as zod schemas: the contract pages and scripts rely on, checked by the
// tests against real responses. Optional fields are the ones JSON.stringify drops when undefined.

import { z } from 'zod';

const verdict = z.enum(['fresh', 'stale', 'mixed', 'pinned', 'pinned-behind', 'unknown']);
const containerKind = z.enum(['init', 'regular', 'ephemeral']);
const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/);

export const workloadRefSchema = z.object({
  kind: z.string(),
  apiVersion: z.string(),
  name: z.string(),
  namespace: z.string(),
  uid: z.string(),
});

export const pullPolicySchema = z.object({
  policy: z.enum(['Always', 'IfNotPresent', 'Never']),
  source: z.enum(['explicit', 'default', 'admission']),
  reason: z.string(),
});

export const containerVerdictSchema = z.discriminatedUnion('verdict', [
  z.object({
    verdict: z.literal('fresh'),
    running: z.string(),
    current: digest,
    matchedBy: z.enum(['digest', 'platform-child', 'config']),
  }),
  z.object({ verdict: z.literal('stale'), running: z.string(), current: digest }),
  z.object({
    verdict: z.literal('pinned'),
    pinned: digest,
    tagCheck: z.enum(['same', 'unknown', 'no-tag']),
    note: z.string().optional(),
  }),
  z.object({ verdict: z.literal('pinned-behind'), pinned: digest, current: digest }),
  z.object({
    verdict: z.literal('unknown'),
    reason: z.string(),
    failureKind: z.string().optional(),
    message: z.string(),
  }),
]);

const containerStateSchema = z.object({
  state: z.enum(['waiting', 'running', 'terminated', 'unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  exitCode: z.number().optional(),
});

export const replicaSchema = z.object({
  pod: z.object({
    namespace: z.string(),
    name: z.string(),
    node: z.string().optional(),
    workload: workloadRefSchema,
    createdAt: z.string().optional(),
  }),
  container: z.string(),
  containerKind,
  image: z.string(),
  policy: pullPolicySchema,
  imageID: z.string(),
  runtimeImage: z.string().optional(),
  state: containerStateSchema.optional(),
  startedAt: z.string().optional(),
  restartCount: z.number().int(),
  verdict: containerVerdictSchema,
  /** os/arch[/variant] of the node, `(assumed)` where nodeInfo has no variant. */
  nodePlatform: z.string().optional(),
  kubeletVersion: z.string().optional(),
  /** The pull Secrets the Pod names (names only). */
  pullSecrets: z.array(z.string()).optional(),
});

const nodeRiskSchema = z.object({
  node: z.string(),
  risk: z.enum([
    'old-image-cached',
    'reverify-pulls',
    'current',
    'cached-digest-unknown',
    'not-listed',
  ]),
  cachedDigest: z.string().optional(),
  /** KEP-2535: what the node's kubelet does with its old copy for this workload. */
  credentialCheck: z
    .object({
      action: z.enum(['use-cached', 'pull', 'ErrImageNeverPull', 'depends']),
      reason: z.string(),
      kubeletVersion: z.string().optional(),
    })
    .loose()
    .optional(),
});

const runningDigestSchema = z.object({
  digest: z.string(),
  pods: z.number().int(),
  nodes: z.array(z.string()),
  verdict: z.enum(['fresh', 'stale', 'pinned', 'pinned-behind', 'unknown']),
});

/** One entry of `status -o json`'s `workloads`. */
export const workloadContainerSchema = z.object({
  namespace: z.string(),
  workload: workloadRefSchema,
  container: z.string(),
  containerKind,
  image: z.string(),
  familiarImage: z.string(),
  policy: pullPolicySchema,
  verdict,
  current: digest.optional(),
  running: z.array(runningDigestSchema),
  replicas: z.array(replicaSchema),
  nodeRisks: z.array(nodeRiskSchema),
  credentialSource: z.object({ kind: z.string(), detail: z.string() }).optional(),
});

const verdictCounts = z.object({
  fresh: z.number().int(),
  stale: z.number().int(),
  mixed: z.number().int(),
  pinned: z.number().int(),
  'pinned-behind': z.number().int(),
  unknown: z.number().int(),
});

/** `status -o json`, exactly. */
export const statusJsonSchema = z.strictObject({
  target: z.strictObject({
    context: z.string(),
    server: z.string(),
    user: z.string(),
    namespace: z.string(),
  }),
  readAt: z.string(),
  workloads: z.array(workloadContainerSchema),
  summary: z.object({
    workloads: z.number().int(),
    containers: z.number().int(),
    pods: z.number().int(),
    verdicts: verdictCounts,
    tags: z.number().int(),
    lookups: z.number().int(),
    nodesAtRisk: z.number().int(),
  }),
  warnings: z.array(z.string()),
});

const gitOpsSchema = z.object({ tool: z.enum(['Argo CD', 'Flux']), source: z.string() });

const pictureMeta = {
  version: z.number().int().positive(),
  source: z.enum(['snapshot', 'controller']),
  takenAt: z.string(),
};

/** GET /api/v1/workloads: `status -o json` plus the picture it came from and GitOps managers. */
export const workloadsResponseSchema = statusJsonSchema.extend({
  ...pictureMeta,
  /** Keyed `namespace/Kind/name`; absent = not managed by Argo CD or Flux (as far as read). */
  gitOps: z.record(z.string(), gitOpsSchema),
});

export const historyEntrySchema = z.object({
  at: z.string(),
  kind: z.enum(['tag-moved', 'pinned']),
  image: z.string(),
  from: z.string().optional(),
  to: z.string(),
  workload: z.object({ namespace: z.string(), kind: z.string(), name: z.string() }).optional(),
});

/** GET /api/v1/overview: counts by verdict per namespace, stale and mixed first. */
export const overviewResponseSchema = z.object({
  ...pictureMeta,
  target: statusJsonSchema.shape.target,
  summary: statusJsonSchema.shape.summary,
  namespaces: z.array(z.object({ namespace: z.string(), verdicts: verdictCounts })),
  history: z.array(historyEntrySchema),
  warnings: z.array(z.string()),
});

const imageEventSchema = z.object({
  kind: z.string(),
  reason: z.string(),
  message: z.string(),
  at: z.string().optional(),
  count: z.number().int(),
  node: z.string().optional(),
});

const fixOptionSchema = z.object({
  strategy: z.enum(['pin-in-git', 'pin-live', 'pull-always', 'restart', 'recreate']),
  command: z.string(),
  effect: z.string(),
  tradeoff: z.string(),
});

/** One container as `explain -o json` tells it, plus its replicas × nodes × digests grid. */
export const containerStorySchema = z.object({
  container: z.string(),
  containerKind,
  image: z.string(),
  repository: z.string().optional(),
  tag: z.string().optional(),
  pinnedDigest: z.string().optional(),
  policy: pullPolicySchema,
  current: digest.optional(),
  verdict,
  cause: z.array(z.string()),
  pods: z.array(
    z.object({
      pod: z.string(),
      node: z.string().optional(),
      running: z.string().optional(),
      runtimeImage: z.string().optional(),
      since: z.string().optional(),
      verdict: containerVerdictSchema,
      events: z.array(imageEventSchema),
    }),
  ),
  nodeRisks: z.array(nodeRiskSchema),
  fixes: z.array(fixOptionSchema),
  grid: z.object({
    nodes: z.array(z.string()),
    digests: z.array(
      z.object({
        digest: z.string(),
        verdict: runningDigestSchema.shape.verdict,
        current: z.boolean(),
        /** Pod names per node, in the order of `nodes`. */
        pods: z.array(z.array(z.string())),
      }),
    ),
  }),
});

/** GET /api/v1/workloads/{namespace}/{kind}/{name}. */
export const workloadResponseSchema = z.object({
  ...pictureMeta,
  workload: z.object({
    namespace: z.string(),
    kind: z.string(),
    name: z.string(),
    gitOps: gitOpsSchema.optional(),
  }),
  verdict,
  containers: z.array(containerStorySchema),
  history: z.array(historyEntrySchema),
});

const cacheState = z.enum(['current', 'old', 'not-cached', 'unknown']);

/** GET /api/v1/nodes: the node × image-tag cache matrix. */
export const nodesResponseSchema = z.object({
  ...pictureMeta,
  nodes: z.array(
    z.object({
      name: z.string(),
      ready: z.boolean().optional(),
      architecture: z.string().optional(),
      operatingSystem: z.string().optional(),
      kubeletVersion: z.string().optional(),
      containerRuntimeVersion: z.string().optional(),
      images: z.number().int(),
    }),
  ),
  rows: z.array(
    z.object({
      image: z.string(),
      current: digest.optional(),
      policies: z.array(pullPolicySchema.shape.policy),
      workloads: z.array(z.object({ namespace: z.string(), kind: z.string(), name: z.string() })),
      cells: z.array(
        z.object({ node: z.string(), state: cacheState, cachedDigest: z.string().optional() }),
      ),
    }),
  ),
});

/** The data of each `picture` Server-Sent Event on GET /api/v1/events. */
export const pictureEventSchema = z.object(pictureMeta);

/** POST /api/v1/refresh. */
export const refreshResponseSchema = pictureEventSchema;

export const errorResponseSchema = z.object({ error: z.string() });

export type WorkloadsResponse = z.infer<typeof workloadsResponseSchema>;
export type OverviewResponse = z.infer<typeof overviewResponseSchema>;
export type WorkloadResponse = z.infer<typeof workloadResponseSchema>;
export type NodesResponse = z.infer<typeof nodesResponseSchema>;
export type PictureEvent = z.infer<typeof pictureEventSchema>;
