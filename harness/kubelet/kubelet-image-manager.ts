// One container start as the kubelet does it (semantics doc §2.1–§2.4): EnsureImageExists with
// the node's image cache (kubeletImageActionFor from src/core/pull-policy.ts decides pull vs
// cached), its Events, then CreateContainer/StartContainer with the runtime's image fields.
import { randomBytes } from 'node:crypto';
import {
  defaultPullPolicy,
  isPullPolicy,
  kubeletImageActionFor,
  type KubeletImageAction,
} from '../../src/core/pull-policy.ts';
import {
  crioStatusImage,
  normaliseReference,
  type FakeImageStore,
  type RegistryImage,
} from './fake-image-store.ts';
import type { RegistryLookup } from './fake-registry-state.ts';
import type { KubeletEventRecorder, PodRef } from './kubelet-events.ts';
import { apiTime, kubeletMessages as say } from './kubelet-messages.ts';
import type { ContainerRuntimeName } from './kubelet-node.ts';
import type { ContainerKind, PodRecord, RuntimeContainer } from './kubelet-pod-status.ts';

export interface ContainerOutcome {
  readonly container: string;
  readonly kind: ContainerKind;
  readonly action: KubeletImageAction;
  /** What the registry served, when the kubelet pulled. */
  readonly pulled: RegistryImage | undefined;
  readonly error: string | undefined;
}

export interface ImageManagerContext {
  readonly store: FakeImageStore;
  readonly registry: RegistryLookup;
  readonly events: KubeletEventRecorder;
  readonly runtime: ContainerRuntimeName;
  /** KubeletEnsureSecretPulledImages: the v1.35 "… and can be accessed by the pod" message. */
  readonly verifiedPresence: boolean;
  readonly simulatedPullMs: number | undefined;
}

const FIELDS: Readonly<Record<ContainerKind, string>> = {
  init: 'initContainers',
  regular: 'containers',
  ephemeral: 'ephemeralContainers',
};

/** Runs `container`; on success it is running (or Completed, for a plain init container). */
export async function runContainer(
  context: ImageManagerContext,
  pod: PodRef,
  container: RuntimeContainer,
  imagePullPolicy: string | undefined,
): Promise<ContainerOutcome> {
  const image = container.specImage;
  const policy =
    imagePullPolicy !== undefined && isPullPolicy(imagePullPolicy)
      ? imagePullPolicy
      : defaultPullPolicy(image);
  const action = kubeletImageActionFor(image, policy, context.store.lookup(image) !== undefined);
  const event = (reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal') =>
    context.events.record({
      pod,
      fieldPath: `spec.${FIELDS[container.kind]}{${container.name}}`,
      reason,
      message,
      type,
    });
  const outcome = (pulled?: RegistryImage, error?: string): ContainerOutcome => ({
    container: container.name,
    kind: container.kind,
    action,
    pulled,
    error,
  });
  const fail = async (reason: string, message: string): Promise<ContainerOutcome> => {
    container.state = { waiting: { reason, message } };
    await event('Failed', say.error(reason), 'Warning');
    return outcome(undefined, message);
  };
  if (action === 'InvalidImageName') {
    await event('InspectFailed', say.invalidName(image), 'Warning');
    return fail('InvalidImageName', say.invalidName(image));
  }
  if (action === 'ErrImageNeverPull') {
    await event('ErrImageNeverPull', say.neverPull(image), 'Warning');
    return fail('ErrImageNeverPull', say.neverPull(image));
  }
  let pulled: RegistryImage | undefined;
  if (action === 'use-cached') {
    await event('Pulled', say.alreadyPresent(image, context.verifiedPresence));
  } else {
    await event('Pulling', say.pulling(image));
    const started = performance.now();
    const served = context.registry(normaliseReference(image)?.pullRef ?? image);
    if ('error' in served) {
      await event('Failed', say.failedToPull(image, served.error), 'Warning');
      container.pullError = served.error;
      return fail('ErrImagePull', served.error);
    }
    pulled = served;
    context.store.recordPull(image, served);
    const ms = context.simulatedPullMs ?? Math.max(1, Math.round(performance.now() - started));
    await event('Pulled', say.pulled(image, ms, ms, served.sizeBytes));
  }
  createContainer(context, container);
  await event('Created', say.created(container.name));
  await event('Started', say.started(container.name));
  return outcome(pulled);
}

function createContainer(context: ImageManagerContext, container: RuntimeContainer): void {
  const stored = context.store.lookup(container.specImage);
  if (stored === undefined) throw new Error(`image ${container.specImage} vanished from the node`);
  const at = apiTime(new Date());
  const containerID = randomBytes(32).toString('hex');
  container.imageId = stored.id;
  container.containerId = containerID;
  container.fixedImage =
    context.runtime === 'cri-o' ? crioStatusImage(stored, container.specImage) : undefined;
  container.pullError = undefined;
  container.state =
    container.kind === 'init' && !container.sidecar
      ? {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: at,
            finishedAt: at,
            containerID,
          },
        }
      : { running: { startedAt: at } };
}

/** A container not yet created: the kubelet shows ContainerCreating (or PodInitializing). */
export function newContainer(
  kind: ContainerKind,
  spec: { name: string; image?: string | undefined; restartPolicy?: string | undefined },
): RuntimeContainer {
  return {
    kind,
    name: spec.name,
    specImage: spec.image ?? '',
    sidecar: kind === 'init' && spec.restartPolicy === 'Always',
    state: { waiting: { reason: 'ContainerCreating' } },
    lastState: undefined,
    restartCount: 0,
    imageId: undefined,
    containerId: undefined,
    fixedImage: undefined,
    pullError: undefined,
  };
}

export function fieldPathOf(container: RuntimeContainer): string {
  return `spec.${FIELDS[container.kind]}{${container.name}}`;
}

/** Containers whose last pull failed: BackOff event, waiting ImagePullBackOff with the last error. */
export async function backOffFailedPulls(
  context: ImageManagerContext,
  pod: PodRecord,
): Promise<void> {
  const ref = { namespace: pod.namespace, name: pod.name, uid: pod.uid };
  for (const container of pod.containers) {
    if (!('waiting' in container.state) || container.pullError === undefined) continue;
    const fieldPath = fieldPathOf(container);
    const record = (reason: string, message: string, type: 'Normal' | 'Warning') =>
      context.events.record({ pod: ref, fieldPath, reason, message, type });
    await record('BackOff', say.backOff(container.specImage), 'Normal');
    const message = say.backOffWaiting(container.specImage, container.pullError);
    container.state = { waiting: { reason: 'ImagePullBackOff', message } };
    await record('Failed', say.error('ImagePullBackOff'), 'Warning');
  }
}
