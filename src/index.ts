// kube-fresh as a library: `import { … } from 'kube-fresh'`. The API below is the package's public,
// semver-stable surface (README "Library"); nothing else is importable (package.json `exports`).
// Importing it is cheap: the cluster client loads only when checkWorkloads runs.

export {
  parseImageReference,
  familiarString,
  referenceName,
  type ImageReference,
  type ParsedReference,
  type ReferenceProblem,
} from './core/image-reference.ts';
export type { Digest } from './core/digest.ts';
export {
  defaultPullPolicy,
  effectivePullPolicy,
  kubeletImageAction,
  kubeletImageActionFor,
  type EffectivePullPolicy,
  type KubeletImageAction,
  type PullPolicy,
} from './core/pull-policy.ts';
export {
  judgeContainer,
  judgeWorkload,
  type ContainerVerdict,
  type Judgement,
  type Lookup,
  type RegistryFacts,
  type RunningContainer,
  type WorkloadVerdict,
} from './core/container-verdict.ts';
export type {
  ImageResolver,
  RegistryFailure,
  ResolvedTag,
  TagResolution,
} from './core/image-resolver.ts';
export { pinnedImage, pinnedPullPolicy } from './core/pin.ts';
export { EnvironmentError, InputError, KubeFreshError, UsageError } from './core/errors.ts';
export {
  createRegistryClient,
  type RegistryClient,
  type RegistryClientOptions,
} from './library/registry-client.ts';
export {
  checkWorkloads,
  type CheckWorkloadsOptions,
  type StatusReport,
} from './library/check-workloads.ts';
export {
  lintManifestText,
  pinManifestText,
  type Finding,
  type ImagePin,
  type ManifestLintResult,
  type ManifestPinResult,
} from './library/manifests.ts';
