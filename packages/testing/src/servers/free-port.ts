import { createServer } from 'node:net';

const LOOPBACK = '127.0.0.1';
const MAX_PORT = 65_535;
const MAX_ATTEMPTS = 200;
/** How long a port handed out by this process is not handed out again (covers the bind race). */
const CLAIM_TTL_MS = 60_000;

/** Distance between a Redis Cluster node's port and its cluster bus port (fixed by Redis). */
export const CLUSTER_BUS_PORT_OFFSET = 10_000;

/** Options of {@link findFreePort}. */
export interface FindFreePortOptions {
  /**
   * Also require `port + 10000`, the Redis Cluster bus port, to be free and at most 65535.
   * Cluster nodes need both ports; a node whose bus port is taken aborts at startup.
   */
  clusterBus?: boolean;
}

/** Ports recently handed out by this process (and their bus ports), with the time of the claim. */
const claims = new Map<number, number>();

/**
 * Finds a free TCP port on 127.0.0.1: binds port 0, reads the port the OS chose, and releases it.
 *
 * The port is only free at the moment of the check; another process can take it before the caller
 * binds it, so callers that can must retry on a collision (as `startRedisServer` does). Within this
 * process, a port is not returned twice within a minute, so servers started in parallel do not race
 * each other for one port.
 */
export async function findFreePort(options: FindFreePortOptions = {}): Promise<number> {
  const clusterBus = options.clusterBus ?? false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const port = await bindAndRelease(0);
    if (port === undefined || isClaimed(port)) continue;
    if (clusterBus) {
      const busPort = port + CLUSTER_BUS_PORT_OFFSET;
      if (busPort > MAX_PORT || isClaimed(busPort)) continue;
      if ((await bindAndRelease(busPort)) === undefined) continue;
      claim(busPort);
    }
    claim(port);
    return port;
  }
  throw new Error(
    `No free loopback port${clusterBus ? ' with a free cluster bus port (port + 10000)' : ''} ` +
      `found in ${MAX_ATTEMPTS} attempts`,
  );
}

/** Binds `port` on loopback and closes it again; resolves the bound port, or undefined if it was taken. */
function bindAndRelease(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(undefined);
      else reject(error);
    });
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

function isClaimed(port: number): boolean {
  const claimedAt = claims.get(port);
  if (claimedAt === undefined) return false;
  if (Date.now() - claimedAt < CLAIM_TTL_MS) return true;
  claims.delete(port);
  return false;
}

function claim(port: number): void {
  claims.set(port, Date.now());
}
