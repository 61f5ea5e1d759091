// Loads the cluster adapter (and @kubernetes/client-node, ~0.5 s of CPU) only when a completion
// actually needs a name from the cluster: completing a command or a flag stays instant.

import type { NameSource } from './complete-words.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** A NameSource that imports the real one on first use. */
export function lazyClusterNames(env: Env): NameSource {
  const load = async (): Promise<NameSource> =>
    (await import('./cluster-names.ts')).clusterNameSource(env);
  return {
    contexts: async (selection) => (await load()).contexts(selection),
    namespaces: async (selection) => (await load()).namespaces(selection),
    workloads: async (selection) => (await load()).workloads(selection),
  };
}
