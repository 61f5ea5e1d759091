// Runs a kube-fresh command in this process against a lab cluster, echoing it first as a user
// would type it (the lab's point is to show the real commands and their real output).

import type { CliIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';

export async function runLabCommand(
  kubeconfigPath: string,
  io: CliIo,
  args: readonly string[],
  say: (text: string) => void,
): Promise<number> {
  say(`\n$ ${io.programName} ${args.join(' ')}`);
  // The lab's registry needs no credentials; a user's docker config must not leak into the story.
  const env = { ...io.env, KUBECONFIG: kubeconfigPath, DOCKER_CONFIG: undefined };
  return main(args, { ...io, env });
}
