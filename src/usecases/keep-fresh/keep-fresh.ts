// `kube-fresh controller`'s loop: judge the live picture exactly as `status` does (the watch caches
// behind a ClusterReader, tags answered by the tag tracker), and act per workload policy through
// `fix`'s own plan and apply (same patch, resourceVersion precondition, conflict re-read). Passes
// are coalesced: any number of cache changes or tag moves within the debounce make one pass.

import { shortDigest } from '../../core/digest.ts';
import { parseImageReference, tagKey } from '../../core/image-reference.ts';
import type { ClusterReader } from '../../cluster/read/cluster-reader.ts';
import { ClusterError } from '../../cluster/cluster-error.ts';
import type { ClusterSnapshot } from '../../cluster/read/cluster-snapshot.ts';
import { gitOpsWarning } from '../../core/gitops-management.ts';
import type { WatchedNamespace, WatchedWorkload } from '../../cluster/watch/cluster-watches.ts';
import type { LiveWorkload, WorkloadWriter } from '../../cluster/write/workload-writer.ts';
import { judgeSnapshot, type CheckDeps, type StatusReport } from '../check-workloads.ts';
import { PATCHABLE_KINDS } from '../../core/pin.ts';
import {
  applyFixes,
  groupByWorkload,
  judgeByPods,
  planFixes,
  type FixResult,
  type WorkloadGroup,
} from '../fix-live/fix-live.ts';
import type { Leadership } from './leadership.ts';
import type { TagMove, TagTracker } from './tag-tracker.ts';
import { decidePolicy, pollIntervalOf, type Policy } from './workload-policy.ts';

/** The watch caches as the loop reads them (cluster/watch/cluster-watches.ts). */
export interface LiveCluster {
  reader(): ClusterReader;
  unsynced(): string[];
  workload(kind: string, namespace: string, name: string): WatchedWorkload | undefined;
  namespace(name: string): WatchedNamespace | undefined;
}

export interface KeepFreshSettings {
  /** undefined = every namespace in scope of the watches. */
  readonly namespace: string | undefined;
  readonly defaultPolicy: Policy;
  readonly pollIntervalMs: number;
  readonly dryRun: boolean;
  readonly maxConcurrentRollouts: number;
  readonly minPinIntervalMs: number;
  /** A full pass at least this often, besides changes (default 5 min: watches and polls drive it). */
  readonly resyncMs?: number;
  /** Changes within this window make one pass (default 500 ms). */
  readonly debounceMs?: number;
}

export interface KeepFreshMetrics {
  /** Workload containers per namespace and verdict, replacing the previous pass's numbers. */
  verdicts(counts: ReadonlyMap<string, Readonly<Record<string, number>>>): void;
  nodesAtRisk(count: number): void;
  tagsTracked(count: number): void;
  tagMoved(registry: string, source: TagMove['source']): void;
  pin(result: FixResult['outcome'] | 'error'): void;
  notificationToPin(seconds: number): void;
  pass(seconds: number): void;
}

export interface KeepFreshLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

export interface KeepFreshDeps {
  readonly live: LiveCluster;
  readonly writer: WorkloadWriter;
  readonly tracker: TagTracker;
  readonly leadership: Leadership;
  readonly metrics: KeepFreshMetrics;
  readonly log: KeepFreshLog;
  readonly settings: KeepFreshSettings;
  /** The Pods' pull secrets of each pass, for the registry client's credentials. */
  readonly pullSecrets?: (secrets: ClusterSnapshot['pullSecrets']) => void;
}

/** A rollout we started counts against --max-concurrent-rollouts until done, at most this long. */
const ROLLOUT_WATCH_MS = 15 * 60_000;

export class KeepFresh {
  readonly #deps: KeepFreshDeps;
  #timer: NodeJS.Timeout | undefined;
  #resync: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  /** Per workload and Event reason, the state last announced (Events once per state, not per pass). */
  readonly #announced = new Map<string, string>();
  readonly #moves = new Map<string, TagMove>();
  readonly #lastPin = new Map<string, number>();
  readonly #rolling = new Map<string, number>();
  #passes = 0;

  constructor(deps: KeepFreshDeps) {
    this.#deps = deps;
  }

  get passes(): number {
    return this.#passes;
  }

  start(): void {
    this.#stopped = false;
    this.#resync = setInterval(() => this.schedule(), this.#deps.settings.resyncMs ?? 300_000);
    this.#resync.unref();
    this.#deps.leadership.onChange((leading) => {
      this.#deps.log.info({ leading }, leading ? 'started leading' : 'stopped leading');
      if (leading) this.schedule(0);
    });
    this.schedule(0);
  }

  /** Asks for a pass soon; passes never overlap. */
  schedule(delayMs = this.#deps.settings.debounceMs ?? 500): void {
    if (this.#stopped || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#run();
    }, delayMs);
    this.#timer.unref();
  }

  /** The tag tracker's onMoved: remembered for TagMoved Events and the latency, then a pass. */
  tagMoved(move: TagMove): void {
    this.#moves.set(move.key, move);
    this.#deps.metrics.tagMoved(move.ref.domain, move.source);
    this.#deps.log.info(
      { tag: move.key, from: move.from, to: move.to, source: move.source },
      'tag moved',
    );
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#resync);
    await this.#running;
  }

  async #run(): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    const started = performance.now();
    this.#running = this.#pass()
      .catch((error: unknown) => {
        this.#deps.log.error({ err: describe(error) }, 'pass failed');
      })
      .finally(() => {
        this.#deps.metrics.pass((performance.now() - started) / 1000);
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.schedule();
        }
      });
    await this.#running;
  }

  async #pass(): Promise<void> {
    const { live, settings } = this.#deps;
    const unsynced = live.unsynced();
    if (unsynced.length > 0) {
      this.#deps.log.debug({ unsynced }, 'waiting for the caches');
      return;
    }
    const reader = live.reader();
    const snapshot = await reader.readSnapshot({ namespace: settings.namespace });
    this.#deps.pullSecrets?.(snapshot.pullSecrets);
    this.#trackTags(snapshot);
    const openRegistry = this.#openRegistry();
    const report = await judgeSnapshot(snapshot, { openRegistry });
    this.#passes++;
    this.#reportMetrics(report);
    const leading = this.#deps.leadership.isLeader();
    for (const group of groupByWorkload(report.workloads)) {
      if (this.#stopped) return;
      await this.#consider(group, reader, leading);
    }
  }

  #openRegistry(): CheckDeps['openRegistry'] {
    const resolver = this.#deps.tracker.resolver();
    return () => Promise.resolve({ resolver, close: () => Promise.resolve() });
  }

  /** Every tag in use, at the shortest interval any of its workloads asks for. */
  #trackTags(snapshot: ClusterSnapshot): void {
    const { live, settings, tracker } = this.#deps;
    const requests = [];
    for (const pod of snapshot.pods) {
      if (pod.terminating === true) continue;
      const w = pod.workload;
      const intervalMs =
        pollIntervalOf(live.workload(w.kind, w.namespace, w.name)) ?? settings.pollIntervalMs;
      for (const container of pod.containers) {
        const parsed = parseImageReference(container.image);
        if (parsed.ok && tagKey(parsed.reference) !== undefined)
          requests.push({ ref: parsed.reference, intervalMs });
      }
    }
    tracker.track(requests);
    this.#deps.metrics.tagsTracked(tracker.size);
  }

  #reportMetrics(report: StatusReport): void {
    const counts = new Map<string, Record<string, number>>();
    for (const w of report.workloads) {
      const row = counts.get(w.namespace) ?? {};
      row[w.verdict] = (row[w.verdict] ?? 0) + 1;
      counts.set(w.namespace, row);
    }
    this.#deps.metrics.verdicts(counts);
    this.#deps.metrics.nodesAtRisk(report.summary.nodesAtRisk);
  }

  async #consider(group: WorkloadGroup, reader: ClusterReader, leading: boolean): Promise<void> {
    const { live, settings } = this.#deps;
    const { namespace, kind, name } = group.workload;
    const object = live.workload(kind, namespace, name);
    const decision = decidePolicy(object, live.namespace(namespace), settings.defaultPolicy);
    if (decision.policy === 'off') return;
    const target = object === undefined ? undefined : eventTarget(object);
    const say = (reason: string, type: 'Normal' | 'Warning', message: string, state: string) =>
      target !== undefined && leading
        ? this.#announce(target, reason, type, message, state)
        : Promise.resolve();
    await this.#announceMoves(group, say);
    const { actionable } = judgeByPods(group);
    if (actionable.length === 0) return;
    const hold = object === undefined ? undefined : stuckRollout(object);
    const stale = group.reports
      .filter((r) => r.verdict !== 'fresh' && r.verdict !== 'pinned')
      .map(
        (r) =>
          `${r.container} ${r.verdict}${r.current === undefined ? '' : ` (tag → ${shortDigest(r.current)})`}`,
      );
    await say(
      'StaleReplicas',
      'Warning',
      `replicas run an old image: ${stale.join('; ')}; policy ${decision.policy}${hold === undefined ? '' : `; not pinned: ${hold}`}`,
      `${stale.join(';')}|${decision.policy}|${hold ?? ''}`,
    );
    if (decision.policy !== 'pin' || object === undefined || !PATCHABLE_KINDS.has(kind)) return;
    if (hold !== undefined) return;
    if (decision.gitOps !== undefined)
      await say('GitOpsManaged', 'Warning', gitOpsWarning(decision.gitOps), decision.gitOps.source);
    if (!leading || !this.#mayStartRollout(group)) return;
    await this.#pin(group, reader, target);
  }

  /** A TagMoved Event per tag the workload uses that moved (once per new digest). */
  async #announceMoves(
    group: WorkloadGroup,
    say: (reason: string, type: 'Normal', message: string, state: string) => Promise<void>,
  ): Promise<void> {
    for (const key of tagKeysOf(group)) {
      const move = this.#moves.get(key);
      if (move === undefined) continue;
      await say(
        'TagMoved',
        'Normal',
        `${key} now points to ${shortDigest(move.to)} (was ${shortDigest(move.from)}; seen by ${move.source})`,
        `${key}@${move.to}`,
      );
    }
  }

  /** --min-pin-interval per workload and --max-concurrent-rollouts across them. */
  #mayStartRollout(group: WorkloadGroup): boolean {
    const { settings, live } = this.#deps;
    const key = workloadKey(group.workload);
    const now = Date.now();
    const last = this.#lastPin.get(key);
    if (last !== undefined && now - last < settings.minPinIntervalMs) {
      this.schedule(last + settings.minPinIntervalMs - now + 10);
      return false;
    }
    for (const [rolling, since] of this.#rolling) {
      const [ns = '', kind = '', name = ''] = rolling.split('/');
      const object = live.workload(kind, ns, name);
      if (object === undefined || rolloutDone(object) || now - since > ROLLOUT_WATCH_MS)
        this.#rolling.delete(rolling);
    }
    if (this.#rolling.size >= settings.maxConcurrentRollouts) {
      this.#deps.log.info(
        { workload: key, rolling: [...this.#rolling.keys()] },
        'pin waits: --max-concurrent-rollouts reached',
      );
      return false;
    }
    return true;
  }

  async #pin(
    group: WorkloadGroup,
    reader: ClusterReader,
    target: LiveWorkload | undefined,
  ): Promise<void> {
    const { writer, settings, log, metrics } = this.#deps;
    const { namespace, kind, name } = group.workload;
    const key = workloadKey(group.workload);
    this.#lastPin.set(key, Date.now());
    let results: FixResult[];
    try {
      const plan = await planFixes(
        { check: { reader, openRegistry: this.#openRegistry() }, writer },
        {
          scope: { namespace, workloads: [{ kind, name, namespace }] },
          strategy: 'pin',
          dryRun: settings.dryRun,
        },
      );
      for (const skip of plan.skipped)
        log.info({ workload: key, reason: skip.reason }, `not pinned: ${skip.message}`);
      results = await applyFixes(plan, { writer, eventReason: 'Pinned' });
    } catch (error) {
      if (!(error instanceof ClusterError)) throw error;
      metrics.pin('error');
      log.warn({ workload: key, err: error.message }, 'pin failed');
      if (target !== undefined)
        await this.#announce(target, 'PinFailed', 'Warning', error.message, error.message);
      return;
    }
    for (const result of results) await this.#record(result, target);
  }

  async #record(result: FixResult, target: LiveWorkload | undefined): Promise<void> {
    const { log, metrics } = this.#deps;
    const key = workloadKey(result.workload);
    const images = result.containers.map((c) => `${c.container}: ${c.from} → ${c.to}`).join('; ');
    metrics.pin(result.outcome);
    const fields = { workload: key, outcome: result.outcome, images, attempts: result.attempts };
    if (result.outcome === 'applied') {
      this.#rolling.set(key, Date.now());
      log.info(fields, 'pinned');
      this.#observeLatency(result);
    } else if (result.outcome === 'dry-run') {
      log.info(fields, 'dry run: would pin');
      if (target !== undefined)
        await this.#announce(target, 'PinDryRun', 'Normal', `dry run: would pin ${images}`, images);
    } else if (result.outcome === 'failed' || result.outcome === 'conflict') {
      log.warn({ ...fields, message: result.message }, 'pin failed');
      if (target !== undefined)
        await this.#announce(target, 'PinFailed', 'Warning', result.message, images);
    } else {
      log.info({ ...fields, message: result.message }, 'nothing to pin');
    }
  }

  /** Notification → pinned: from the claim's arrival to the applied patch. */
  #observeLatency(result: FixResult): void {
    for (const container of result.containers) {
      const parsed = parseImageReference(container.to);
      if (!parsed.ok) continue;
      const key = tagKey(parsed.reference);
      const move = key === undefined ? undefined : this.#moves.get(key);
      if (move?.receivedAt !== undefined && move.to === parsed.reference.digest)
        this.#deps.metrics.notificationToPin((Date.now() - move.receivedAt) / 1000);
    }
  }

  /** Records an Event once per state of (workload, reason); a failure to record is only logged. */
  async #announce(
    target: LiveWorkload,
    reason: string,
    type: 'Normal' | 'Warning',
    message: string,
    state: string,
  ): Promise<void> {
    const key = `${target.ref.namespace}/${target.ref.kind}/${target.ref.name}|${reason}`;
    if (this.#announced.get(key) === state) return;
    try {
      await this.#deps.writer.recordEvent(target, { reason, type, message });
      this.#announced.set(key, state);
    } catch (error) {
      this.#deps.log.warn({ workload: key, err: describe(error) }, 'cannot record an Event');
    }
  }
}

function workloadKey(w: { namespace: string; kind: string; name: string }): string {
  return `${w.namespace}/${w.kind}/${w.name}`;
}

function tagKeysOf(group: WorkloadGroup): Set<string> {
  const keys = new Set<string>();
  for (const r of group.reports) {
    const parsed = parseImageReference(r.image);
    const key = parsed.ok ? tagKey(parsed.reference) : undefined;
    if (key !== undefined) keys.add(key);
  }
  return keys;
}

/** Why a new pin would pile onto a rollout that is not progressing, if it would. */
function stuckRollout(object: WatchedWorkload): string | undefined {
  return object.progressDeadlineExceeded
    ? 'the last rollout is not progressing (ProgressDeadlineExceeded); fix it first'
    : undefined;
}

function rolloutDone(object: WatchedWorkload): boolean {
  if (object.kind === 'CronJob') return true;
  const observed =
    object.generation === undefined ||
    (object.observedGeneration !== undefined && object.observedGeneration >= object.generation);
  const want = object.replicas ?? 0;
  return (
    observed &&
    (object.updatedReplicas ?? want) >= want &&
    (object.availableReplicas ?? want) >= want
  );
}

/** What an Event about a watched workload needs (recordEvent reads ref, apiVersion, uid, rv). */
function eventTarget(object: WatchedWorkload): LiveWorkload {
  return {
    ref: { kind: object.kind, namespace: object.namespace, name: object.name },
    apiVersion: object.apiVersion,
    uid: object.uid,
    resourceVersion: object.resourceVersion,
    labels: object.labels,
    annotations: object.annotations,
    ownerReferences: [],
    hasTemplate: true,
    containers: [],
    templateAnnotations: {},
    updateStrategy: undefined,
    paused: false,
    raw: {},
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
