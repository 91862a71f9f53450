import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach } from 'vitest';

/** A TCP server on a free loopback port that answers as a test tells it: see {@link startFakeRespServer}. */
export interface FakeRespServer {
  readonly port: number;
  /** Stops listening (and lets open connections end); idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a fake Redis for the RESP client tests: on every chunk a connection receives, `respond`
 * gets all that connection received so far (as text) and its socket, and writes what it likes.
 */
export async function startFakeRespServer(
  respond: (received: string, socket: Socket) => void,
): Promise<FakeRespServer> {
  const server: Server = createServer((socket) => {
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
      respond(received, socket);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
  };
}

/**
 * For a `describe` block: returns a function that starts a {@link startFakeRespServer}, and
 * registers an `afterEach` that closes every server it started.
 */
export function useFakeRespServers(): (
  respond: (received: string, socket: Socket) => void,
) => Promise<FakeRespServer> {
  const open: FakeRespServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async (respond) => {
    const server = await startFakeRespServer(respond);
    open.push(server);
    return server;
  };
}
