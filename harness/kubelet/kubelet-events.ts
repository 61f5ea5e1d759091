// Events as the kubelet's EventRecorder writes them (client-go tools/record): core/v1 Events named
// `<pod>.<hex nanoseconds>`, source {component: kubelet, host: node}, reportingComponent/Instance,
// firstTimestamp/lastTimestamp/count and no eventTime; a repeat of the same reason and message for
// the same object within the correlator's window bumps count and lastTimestamp instead.
import type { KubeAdminClient, KubeObject } from './kube-admin-client.ts';
import { apiTime } from './kubelet-messages.ts';

export interface PodRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly resourceVersion?: string | undefined;
}

export interface KubeletEvent {
  readonly pod: PodRef;
  /** `spec.containers{app}`, `spec.initContainers{init}`, `spec.ephemeralContainers{debug}`. */
  readonly fieldPath: string;
  readonly reason: string;
  readonly message: string;
  readonly type: 'Normal' | 'Warning';
}

export class KubeletEventRecorder {
  readonly #recorded = new Map<string, { name: string; namespace: string; count: number }>();
  #sequence = 0n;

  constructor(
    private readonly admin: KubeAdminClient,
    private readonly node: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(event: KubeletEvent): Promise<void> {
    const { pod } = event;
    const key = [pod.uid, event.fieldPath, event.reason, event.message, event.type].join('\u0000');
    const at = apiTime(this.now());
    const earlier = this.#recorded.get(key);
    if (earlier !== undefined) {
      earlier.count++;
      await this.admin.patch(`/api/v1/namespaces/${earlier.namespace}/events/${earlier.name}`, {
        count: earlier.count,
        lastTimestamp: at,
      });
      return;
    }
    // Nanosecond timestamps, made unique within this recorder.
    const nanos = BigInt(this.now().getTime()) * 1_000_000n + this.#sequence++;
    const name = `${pod.name}.${nanos.toString(16)}`;
    const body: KubeObject = {
      metadata: { name, namespace: pod.namespace },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: pod.namespace,
        name: pod.name,
        uid: pod.uid,
        ...(pod.resourceVersion === undefined ? {} : { resourceVersion: pod.resourceVersion }),
        fieldPath: event.fieldPath,
      },
      reason: event.reason,
      message: event.message,
      type: event.type,
      source: { component: 'kubelet', host: this.node },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      reportingComponent: 'kubelet',
      reportingInstance: this.node,
    };
    await this.admin.create(`/api/v1/namespaces/${pod.namespace}/events`, body);
    this.#recorded.set(key, { name, namespace: pod.namespace, count: 1 });
  }
}
