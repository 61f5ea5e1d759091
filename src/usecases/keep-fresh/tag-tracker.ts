// What every tag in use points to, kept current with one manifest HEAD per tag per poll interval
// (jittered, per-registry concurrency), and nudged by push notifications. A notification is a
// claim, never a fact: distribution queues its push event *before* it moves the tag, so the claim
// is confirmed by digest in that repository and then by the tag itself agreeing; until the tag
// agrees (here, or at the next poll) nothing moves. The judging flows read the tracker through
// `resolver()`, an ImageResolver that answers tags from what was polled, never a fresh request.

import pLimit, { type LimitFunction } from 'p-limit';
import { isDigest, type Digest } from '../../core/digest.ts';
import {
  parseImageReference,
  tagKey,
  tagReference,
  type ImageReference,
} from '../../core/image-reference.ts';
import type { ImageResolver, TagResolution } from '../../core/image-resolver.ts';

/** A registry's push notification as the notification routes hand it over. */
export interface PushClaim {
  /** Registry host as in image references: `docker.io`, `registry.example:5000`. */
  readonly registry: string;
  /** Repository path, e.g. `team/app` (`library/nginx` on Docker Hub). */
  readonly repository: string;
  readonly tag: string;
  /** The manifest the provider says the tag now names; absent for Docker Hub and Quay. */
  readonly digest?: string | undefined;
  /** The provider's delivery id: the same event delivered twice is handled once. */
  readonly eventId?: string | undefined;
  readonly provider: string;
  /** When the notification arrived (ms since the epoch), for the notification → pin latency. */
  readonly receivedAt?: number | undefined;
}

export type ClaimOutcome =
  /** The tag now answers with a new digest: the move is settled (and reported via onMoved). */
  | { readonly outcome: 'moved'; readonly digest: Digest }
  /** The tag already pointed there (a re-push, or a poll was faster). */
  | { readonly outcome: 'unchanged'; readonly digest: Digest }
  /** Not acted on: the registry did not confirm it (yet); the next poll decides. */
  | { readonly outcome: 'unconfirmed'; readonly reason: string }
  | { readonly outcome: 'duplicate' }
  /** No workload uses this tag, or the claim names no valid reference. */
  | { readonly outcome: 'ignored'; readonly reason: string };

export interface TagMove {
  readonly key: string;
  readonly ref: ImageReference;
  readonly from: Digest;
  readonly to: Digest;
  readonly source: 'poll' | 'notification';
  readonly receivedAt?: number | undefined;
}

export interface TrackRequest {
  readonly ref: ImageReference;
  readonly intervalMs: number;
}

export type RequestResult = 'ok' | TagResolutionFailureKind;
type TagResolutionFailureKind = Extract<TagResolution, { ok: false }>['failure']['kind'];

export interface TagTrackerDeps {
  /** Must not cache tags itself (the controller's client has a zero tag TTL). */
  readonly resolver: ImageResolver;
  onMoved?(move: TagMove): void;
  /** Every registry request the tracker makes, for metrics. */
  onRequest?(registry: string, method: 'HEAD' | 'GET', result: RequestResult): void;
  /** A poll finished (after onMoved), e.g. to re-judge workloads. */
  onResolved?(key: string, result: TagResolution): void;
  readonly perRegistryConcurrency?: number;
  /** Re-checks of the tag after a claim: attempts, first delay, ceiling. */
  readonly claimRetry?: {
    readonly attempts: number;
    readonly initialMs: number;
    readonly maxMs: number;
  };
  readonly random?: () => number;
}

interface TagState {
  ref: ImageReference;
  intervalMs: number;
  nextDueAt: number;
  latest: TagResolution | undefined;
  /** The last digest the registry confirmed; survives failures, so recovery is not a "move". */
  known: Digest | undefined;
  inFlight: Promise<TagResolution> | undefined;
}

const JITTER = 0.1;
const REMEMBERED_EVENTS = 10_000;

export class TagTracker {
  readonly #deps: TagTrackerDeps;
  readonly #tags = new Map<string, TagState>();
  readonly #limits = new Map<string, LimitFunction>();
  readonly #events = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #requests = 0;

  constructor(deps: TagTrackerDeps) {
    this.#deps = deps;
  }

  /**
   * The tags in use now, each with the shortest interval any of its workloads asks for. New tags
   * are polled at once; tags no longer in use are dropped.
   */
  track(requests: Iterable<TrackRequest>): void {
    const wanted = new Map<string, TrackRequest>();
    for (const r of requests) {
      const key = tagKey(r.ref);
      if (key === undefined) continue;
      const prior = wanted.get(key);
      if (prior === undefined || r.intervalMs < prior.intervalMs) wanted.set(key, r);
    }
    for (const key of this.#tags.keys()) if (!wanted.has(key)) this.#tags.delete(key);
    const now = Date.now();
    for (const [key, r] of wanted) {
      const state = this.#tags.get(key);
      if (state === undefined) {
        this.#tags.set(key, {
          ref: tagReference(r.ref),
          intervalMs: r.intervalMs,
          nextDueAt: now,
          latest: undefined,
          known: undefined,
          inFlight: undefined,
        });
      } else if (state.intervalMs !== r.intervalMs) {
        state.nextDueAt = Math.min(state.nextDueAt, now + this.#jittered(r.intervalMs));
        state.intervalMs = r.intervalMs;
      }
    }
    this.#arm();
  }

  get size(): number {
    return this.#tags.size;
  }

  /** Registry requests sent so far (polls, claim checks, digest lookups). */
  get requests(): number {
    return this.#requests;
  }

  /** What the tag points to as last polled; polls now if it never was. */
  resolution(ref: ImageReference): Promise<TagResolution> {
    const key = tagKey(ref);
    const state = key === undefined ? undefined : this.#tags.get(key);
    if (state === undefined) return this.#resolveOnce(tagReference(ref));
    if (state.latest !== undefined) return Promise.resolve(state.latest);
    return this.#poll(key ?? '', state);
  }

  /** The ImageResolver the judging flows use: tags from the tracker, digests from the registry. */
  resolver(): ImageResolver {
    const real = this.#deps.resolver;
    return {
      resolveTag: (ref) => this.resolution(ref),
      platforms: async (ref, digest) => {
        const result = await real.platforms(ref, digest);
        this.#count(ref, 'GET', result.ok ? 'ok' : result.failure.kind);
        return result;
      },
      configDigest: async (ref, digest) => {
        const result = await real.configDigest(ref, digest);
        this.#count(ref, 'GET', result.ok ? 'ok' : result.failure.kind);
        return result;
      },
    };
  }

  /**
   * A registry says a tag moved. With a digest: confirm the digest exists in that repository,
   * then re-check the tag until it agrees. Without one: re-resolve the tag with a short retry
   * until it answers something new. Never reports a move the registry did not confirm.
   */
  async claimPush(claim: PushClaim): Promise<ClaimOutcome> {
    if (this.#seen(claim)) return { outcome: 'duplicate' };
    const parsed = parseImageReference(`${claim.registry}/${claim.repository}:${claim.tag}`);
    if (!parsed.ok) return { outcome: 'ignored', reason: parsed.problem.message };
    const key = tagKey(parsed.reference) ?? '';
    const state = this.#tags.get(key);
    if (state === undefined) return { outcome: 'ignored', reason: `no workload uses ${key}` };
    if (claim.digest !== undefined) {
      if (!isDigest(claim.digest))
        return { outcome: 'unconfirmed', reason: `not a digest: ${claim.digest}` };
      if (state.known === claim.digest) return { outcome: 'unchanged', digest: claim.digest };
      const denied = await this.#confirmDigest(state.ref, claim.digest);
      if (denied !== undefined) return denied;
    }
    return this.#recheckTag(key, state, claim);
  }

  /** Whether this delivery was handled already (remembers the last 10,000 event ids). */
  #seen(claim: PushClaim): boolean {
    if (claim.eventId === undefined) return false;
    const id = `${claim.provider}:${claim.eventId}`;
    if (this.#events.has(id)) return true;
    this.#events.add(id);
    if (this.#events.size > REMEMBERED_EVENTS)
      this.#events.delete(this.#events.values().next().value as string);
    return false;
  }

  /** The manifest by digest in the tag's repository (a GET that also checks the bytes hash to it). */
  async #confirmDigest(ref: ImageReference, digest: Digest): Promise<ClaimOutcome | undefined> {
    const exists = await this.#limit(ref)(() => this.#deps.resolver.platforms(ref, digest));
    this.#count(ref, 'GET', exists.ok ? 'ok' : exists.failure.kind);
    if (exists.ok) return undefined;
    return {
      outcome: 'unconfirmed',
      reason: `the registry does not confirm ${digest}: ${exists.failure.message}`,
    };
  }

  /** Re-resolves the tag until it names the claimed digest (or, with none, anything new). */
  async #recheckTag(key: string, state: TagState, claim: PushClaim): Promise<ClaimOutcome> {
    const before = state.known;
    const retry = this.#deps.claimRetry ?? { attempts: 8, initialMs: 50, maxMs: 1_000 };
    for (let attempt = 0; attempt < retry.attempts; attempt++) {
      if (this.#stopped || this.#tags.get(key) !== state)
        return { outcome: 'unconfirmed', reason: 'no longer tracked' };
      if (attempt > 0) await sleep(Math.min(retry.maxMs, retry.initialMs * 2 ** (attempt - 1)));
      const result = await this.#poll(key, state, claim.receivedAt ?? Date.now());
      if (!result.ok) continue;
      const now = result.value.digest;
      const agrees = claim.digest === undefined ? now !== before : now === claim.digest;
      if (agrees)
        return now === before
          ? { outcome: 'unchanged', digest: now }
          : { outcome: 'moved', digest: now };
    }
    if (claim.digest === undefined && state.known !== undefined)
      return { outcome: 'unchanged', digest: state.known };
    return {
      outcome: 'unconfirmed',
      reason: `the tag did not answer the claimed digest after ${retry.attempts} checks; the next poll decides`,
    };
  }

  start(): void {
    this.#stopped = false;
    this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One request for the tag, shared by concurrent callers; updates the state and reports moves. */
  #poll(key: string, state: TagState, claimedAt?: number): Promise<TagResolution> {
    if (state.inFlight !== undefined && claimedAt === undefined) return state.inFlight;
    const run = this.#limit(state.ref)(async () => {
      const result = await this.#deps.resolver.resolveTag(state.ref);
      this.#count(state.ref, 'HEAD', result.ok ? 'ok' : result.failure.kind);
      return result;
    });
    const dueAt = state.nextDueAt;
    const settled = run.then((result) => {
      if (state.inFlight === settled) state.inFlight = undefined;
      state.latest = result;
      state.nextDueAt = this.#nextDue(state, claimedAt === undefined ? dueAt : undefined);
      if (result.ok) {
        const from = state.known;
        state.known = result.value.digest;
        if (from !== undefined && from !== result.value.digest)
          this.#deps.onMoved?.({
            key,
            ref: state.ref,
            from,
            to: result.value.digest,
            source: claimedAt === undefined ? 'poll' : 'notification',
            receivedAt: claimedAt,
          });
      }
      this.#deps.onResolved?.(key, result);
      this.#arm();
      return result;
    });
    state.inFlight = settled;
    return settled;
  }

  async #resolveOnce(ref: ImageReference): Promise<TagResolution> {
    const result = await this.#limit(ref)(() => this.#deps.resolver.resolveTag(ref));
    this.#count(ref, 'HEAD', result.ok ? 'ok' : result.failure.kind);
    return result;
  }

  /** One timer for the earliest due tag. */
  #arm(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    let earliest = Number.POSITIVE_INFINITY;
    for (const state of this.#tags.values())
      if (state.inFlight === undefined) earliest = Math.min(earliest, state.nextDueAt);
    if (earliest === Number.POSITIVE_INFINITY) return;
    this.#timer = setTimeout(() => this.#pollDue(), Math.max(0, earliest - Date.now()));
    this.#timer.unref();
  }

  #pollDue(): void {
    const now = Date.now();
    for (const [key, state] of this.#tags)
      if (state.inFlight === undefined && state.nextDueAt <= now) void this.#poll(key, state);
    this.#arm();
  }

  /**
   * A poll's successor is due one (jittered) interval after the poll was *due*, not after it
   * finished, so the rate is one request per interval however long requests take; at least half
   * an interval from now, so a slow or recovering registry is not hit back to back. A claim's
   * re-check restarts the interval from now.
   */
  #nextDue(state: TagState, dueAt: number | undefined): number {
    const now = Date.now();
    const interval = this.#jittered(state.intervalMs);
    if (dueAt === undefined) return now + interval;
    return Math.max(dueAt + interval, now + state.intervalMs / 2);
  }

  #jittered(intervalMs: number): number {
    const random = this.#deps.random ?? Math.random;
    return intervalMs * (1 - JITTER + 2 * JITTER * random());
  }

  #limit(ref: ImageReference): LimitFunction {
    let limit = this.#limits.get(ref.domain);
    if (limit === undefined) {
      limit = pLimit(this.#deps.perRegistryConcurrency ?? 4);
      this.#limits.set(ref.domain, limit);
    }
    return limit;
  }

  #count(ref: ImageReference, method: 'HEAD' | 'GET', result: RequestResult): void {
    this.#requests++;
    this.#deps.onRequest?.(ref.domain, method, result);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
