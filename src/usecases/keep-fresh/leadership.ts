// The seam leader election plugs into: only the leader writes (patches, Events); a standby keeps
// its caches warm and its metrics current. `--leader-elect=false` uses alwaysLeader().

export interface Leadership {
  isLeader(): boolean;
  /** Called by the elector on each change; the controller re-judges at once when it starts leading. */
  onChange(listener: (leading: boolean) => void): void;
  stop(): Promise<void>;
}

/** A single replica: always the leader. */
export function alwaysLeader(): Leadership {
  return {
    isLeader: () => true,
    onChange: () => undefined,
    stop: () => Promise.resolve(),
  };
}

/**
 * Adapts an elector shaped like `startLeaderElection({ onStartedLeading, onStoppedLeading }) →
 * { isLeader(), stop() }` to this seam: pass `callbacks` to it, then hand over the elector.
 */
export function leadershipFrom(
  start: (callbacks: { onStartedLeading(): void; onStoppedLeading(): void }) => {
    isLeader(): boolean;
    stop(): Promise<void>;
  },
): Leadership {
  const listeners: ((leading: boolean) => void)[] = [];
  const elector = start({
    onStartedLeading: () => listeners.forEach((l) => l(true)),
    onStoppedLeading: () => listeners.forEach((l) => l(false)),
  });
  return {
    isLeader: () => elector.isLeader(),
    onChange: (listener) => void listeners.push(listener),
    stop: () => elector.stop(),
  };
}
