// Pod status as the kubelet's status manager writes it through pods/status (semantics doc §4.1):
// per-container image/imageID/containerID from the runtime, waiting states before a container
// exists (image = the spec string, imageID empty), and the pod phase and conditions.
import type { RuntimeImage } from './kubelet-messages.ts';
import { containerdStatusImage } from './fake-image-store.ts';
import type { ContainerRuntimeName } from './kubelet-node.ts';

export type ContainerKind = 'init' | 'regular' | 'ephemeral';

export type ContainerState =
  | { readonly waiting: { readonly reason: string; readonly message?: string } }
  | { readonly running: { readonly startedAt: string } }
  | {
      readonly terminated: {
        readonly exitCode: number;
        readonly reason: string;
        readonly startedAt: string;
        readonly finishedAt: string;
        readonly containerID: string;
      };
    };

export interface RuntimeContainer {
  readonly kind: ContainerKind;
  readonly name: string;
  readonly specImage: string;
  /** `Always` on an init container: a sidecar that keeps running. */
  readonly sidecar: boolean;
  state: ContainerState;
  lastState: ContainerState | undefined;
  restartCount: number;
  /** Set once the runtime created the container. */
  imageId: string | undefined;
  containerId: string | undefined;
  /** CRI-O fixes image/imageID at creation; containerd recomputes them at every sync. */
  fixedImage: { readonly image: string; readonly imageID: string } | undefined;
  /** The last pull error, for the ImagePullBackOff message. */
  pullError: string | undefined;
}

export interface PodRecord {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly podIP: string;
  readonly startTime: string;
  readonly containers: RuntimeContainer[];
}

export interface StatusContext {
  readonly runtime: ContainerRuntimeName;
  readonly hostIP: string;
  readonly image: (id: string) => RuntimeImage | undefined;
  readonly now: string;
}

const CONTAINER_ID_PREFIX: Readonly<Record<ContainerRuntimeName, string>> = {
  containerd: 'containerd://',
  'cri-o': 'cri-o://',
};

/** lastState after a running container exits with an error (the crash a restart follows). */
export function exitedState(container: RuntimeContainer): ContainerState | undefined {
  if (!('running' in container.state) || container.containerId === undefined)
    return container.lastState;
  return {
    terminated: {
      exitCode: 1,
      reason: 'Error',
      startedAt: container.state.running.startedAt,
      finishedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      containerID: container.containerId,
    },
  };
}

export function renderPodStatus(pod: PodRecord, context: StatusContext): Record<string, unknown> {
  const of = (kind: ContainerKind) => pod.containers.filter((c) => c.kind === kind);
  const blockingInit = of('init').filter((c) => !c.sidecar && !('terminated' in c.state));
  const unready = [...of('regular'), ...of('init').filter((c) => c.sidecar)].filter(
    (c) => !('running' in c.state),
  );
  const initialized = blockingInit.length === 0;
  const ready = initialized && unready.length === 0;
  const condition = (
    type: string,
    ok: boolean,
    reason: string,
    names: RuntimeContainer[],
    what: string,
  ) => ({
    type,
    status: ok ? 'True' : 'False',
    lastTransitionTime: context.now,
    ...(ok
      ? {}
      : {
          reason,
          message: `containers with ${what} status: [${names.map((c) => c.name).join(' ')}]`,
        }),
  });
  return {
    phase: ready ? 'Running' : 'Pending',
    conditions: [
      { type: 'PodReadyToStartContainers', status: 'True', lastTransitionTime: context.now },
      condition('Initialized', initialized, 'ContainersNotInitialized', blockingInit, 'incomplete'),
      condition('Ready', ready, 'ContainersNotReady', unready, 'unready'),
      condition('ContainersReady', ready, 'ContainersNotReady', unready, 'unready'),
      { type: 'PodScheduled', status: 'True', lastTransitionTime: context.now },
    ],
    hostIP: context.hostIP,
    hostIPs: [{ ip: context.hostIP }],
    podIP: pod.podIP,
    podIPs: [{ ip: pod.podIP }],
    startTime: pod.startTime,
    initContainerStatuses: of('init').map((c) => containerStatus(c, context)),
    containerStatuses: of('regular').map((c) => containerStatus(c, context)),
    ...(of('ephemeral').length > 0
      ? { ephemeralContainerStatuses: of('ephemeral').map((c) => containerStatus(c, context)) }
      : {}),
  };
}

function containerStatus(
  container: RuntimeContainer,
  context: StatusContext,
): Record<string, unknown> {
  const running = 'running' in container.state;
  const completed = 'terminated' in container.state && container.state.terminated.exitCode === 0;
  const common = {
    name: container.name,
    state: prefixed(container.state, context.runtime),
    lastState:
      container.lastState === undefined ? {} : prefixed(container.lastState, context.runtime),
    restartCount: container.restartCount,
    ready:
      container.kind === 'ephemeral' ? false : running || (container.kind === 'init' && completed),
    started: running,
  };
  if (container.imageId === undefined || container.containerId === undefined) {
    // convertToAPIContainerStatuses' default: the spec string as written, no imageID yet.
    return { ...common, image: container.specImage, imageID: '' };
  }
  const image = context.image(container.imageId);
  const reported =
    container.fixedImage ??
    (image === undefined
      ? { image: container.imageId, imageID: container.imageId }
      : containerdStatusImage(image));
  return {
    ...common,
    image: reported.image,
    imageID: reported.imageID,
    containerID: `${CONTAINER_ID_PREFIX[context.runtime]}${container.containerId}`,
  };
}

/** Terminated states name the container as `<runtime>://<id>`, like containerStatuses[].containerID. */
function prefixed(state: ContainerState, runtime: ContainerRuntimeName): ContainerState {
  if (!('terminated' in state)) return state;
  const id = state.terminated.containerID;
  return {
    terminated: { ...state.terminated, containerID: `${CONTAINER_ID_PREFIX[runtime]}${id}` },
  };
}
