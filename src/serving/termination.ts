// Graceful shutdown for long-running commands: the first SIGTERM/SIGINT runs `stop` (readiness
// off, servers drained, Lease released); a second signal, or `stop` overrunning its budget,
// exits at once so a kubelet's terminationGracePeriodSeconds is never the thing that ends us.

export interface TerminationHooks {
  /** Resolves when the component has stopped cleanly. */
  stop(signal: NodeJS.Signals): Promise<void>;
  /** Exit at once with this code (the entry point's process.exit). */
  forceExit(code: number): void;
  /** How long `stop` may take before a forced exit. */
  budgetMs: number;
}

/** Installs the handlers; returns a promise that resolves with the signal once stopped. */
export function awaitTermination(hooks: TerminationHooks): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        hooks.forceExit(128 + (signal === 'SIGINT' ? 2 : 15));
        return;
      }
      stopping = true;
      const timer = setTimeout(() => hooks.forceExit(1), hooks.budgetMs);
      timer.unref();
      hooks
        .stop(signal)
        .catch(() => undefined)
        .finally(() => {
          clearTimeout(timer);
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          resolve(signal);
        });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
