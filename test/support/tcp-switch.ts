// A TCP pass-through in front of a server (TLS passes untouched) that can be switched off: while
// off it resets every connection, open or new, as an unreachable API server would look.
import { connect, createServer, type Socket } from 'node:net';

export interface TcpSwitch {
  /** `127.0.0.1:PORT` to connect to instead of the upstream. */
  readonly address: string;
  setUp(up: boolean): void;
  stop(): Promise<void>;
}

export async function startTcpSwitch(upstreamPort: number): Promise<TcpSwitch> {
  let up = true;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (!up) return void client.resetAndDestroy();
    const upstream = connect(upstreamPort, '127.0.0.1');
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    address: `127.0.0.1:${port}`,
    setUp: (next) => {
      up = next;
      if (!up) for (const socket of sockets) socket.destroy();
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
