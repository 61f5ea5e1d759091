// Runs `kube-fresh ui`: the first snapshot (a failure exits 3), then the dashboard on the shared
// HTTP server until SIGTERM/SIGINT, which close the event streams and drain the server.

import { createDashboard } from '../../../dashboard/dashboard-routes.ts';
import { isLoopbackHost, isLoopbackHostHeader } from '../../../dashboard/loopback-host.ts';
import { SnapshotPictureSource } from '../../../dashboard/picture-source.ts';
import { startServer } from '../../../serving/http-server.ts';
import { parseListenAddress } from '../../../serving/listen-address.ts';
import { awaitTermination } from '../../../serving/termination.ts';
import { takeSnapshotPicture } from '../../../usecases/dashboard-picture.ts';
import type { ClusterCliOptions } from '../../cluster-flags.ts';
import { ExitCode, type CliIo } from '../../io.ts';
import type { RegistryCliOptions } from '../../registry-flags.ts';
import { openCliSession } from '../../cli-session.ts';

export interface UiCliOptions extends ClusterCliOptions, RegistryCliOptions {
  readonly listen: string;
}

export async function runUi(options: UiCliOptions, io: CliIo): Promise<number> {
  const listen = parseListenAddress(options.listen);
  // The read-write connection only for its workload reads (GitOps labels); ui writes nothing.
  const session = await openCliSession(options, io);
  try {
    const { check } = session;
    const { writer } = session.fix;
    const source = new SnapshotPictureSource(async () => {
      const content = await takeSnapshotPicture(
        { ...check, readWorkload: (ref) => writer.getWorkload(ref) },
        { namespace: session.namespace },
      );
      session.clearProgress();
      for (const warning of content.report.warnings) io.stderr.write(`warning: ${warning}\n`);
      return content;
    });
    await source.current();
    const loopback = listen.host !== undefined && isLoopbackHost(listen.host);
    const dashboard = createDashboard({
      source,
      allowHost: loopback ? isLoopbackHostHeader : undefined,
    });
    const server = await startServer({
      listen,
      routes: dashboard.routes,
      onHandlerError: (error) =>
        io.stderr.write(`kube-fresh ui: a request failed: ${String(error)}\n`),
    });
    const host = listen.host === undefined ? '127.0.0.1' : listen.host;
    const shown = host.includes(':') ? `[${host}]` : host;
    io.stderr.write(
      `kube-fresh ui: serving http://${shown}:${server.port}/ (context ${session.target.context}, ${session.namespace === undefined ? 'all namespaces' : `namespace ${session.namespace}`}); Ctrl-C stops\n`,
    );
    if (!loopback)
      io.stderr.write(
        `warning: listening on ${server.address}, not loopback: whoever reaches it sees the cluster's workloads and images\n`,
      );
    await awaitTermination({
      budgetMs: 10_000,
      forceExit: (code) => process.exit(code),
      stop: async () => {
        dashboard.close();
        await server.close(5_000);
      },
    });
    return ExitCode.ok;
  } finally {
    await session.close();
  }
}
