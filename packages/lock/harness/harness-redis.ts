/**
 * The Redis the harness runs against: one redis-server, or a 3-primary Redis Cluster. Either way
 * with an fsync'd append-only file (unless `persistence: false`), and a crash-restart that hits the
 * server holding the lock's keys.
 */
import { hashSlotOf } from '@forno/core';
import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '@forno/testing/servers';
import type { RedisTarget } from './protocol.js';

/** The key prefix and lock name every worker uses (so the harness knows the lock's slot). */
export const HARNESS_KEY_PREFIX = 'harness:';
export const HARNESS_LOCK_NAME = 'counter-lock';

/** A running Redis for the harness. */
export interface HarnessRedis {
  /** What a worker connects to. */
  readonly target: RedisTarget;
  /** Where, for the log. */
  readonly description: string;
  /** SIGKILLs the server holding the lock's keys, and restarts it on the same port `afterMs` later. */
  crashAndRestart(afterMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a standalone server or a 3-primary Cluster (no replicas: a restart, not a failover). */
export async function startHarnessRedis(
  topology: 'standalone' | 'cluster',
  persistence: boolean,
): Promise<HarnessRedis> {
  const args = persistence
    ? ['--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no', '--save', ''];
  if (topology === 'standalone') {
    const server = await startRedisServer({ args });
    return {
      target: { port: server.port },
      description: `redis-server :${server.port}`,
      crashAndRestart: (afterMs) => crashAndRestart(server, afterMs),
      stop: () => server.stop(),
    };
  }
  const cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 0, args });
  return {
    target: { nodes: cluster.startupNodes },
    description: `a 3-primary Redis Cluster (:${cluster.startupNodes.map((node) => node.port).join(', :')})`,
    crashAndRestart: async (afterMs) => {
      await crashAndRestart(await lockOwner(cluster), afterMs);
      await cluster.waitUntilHealthy();
    },
    stop: () => cluster.stop(),
  };
}

async function crashAndRestart(server: RedisServer, afterMs: number): Promise<void> {
  await server.kill();
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  await server.restart();
}

/** The primary serving the lock key's slot (its fencing counter shares that slot). */
async function lockOwner(cluster: RedisCluster): Promise<RedisServer> {
  const slot = hashSlotOf(HARNESS_KEY_PREFIX + HARNESS_LOCK_NAME);
  const entries = await cluster.topology();
  const owner = entries.find(
    (entry) => entry.role === 'primary' && entry.slots.some(([from, to]) => slot >= from && slot <= to),
  );
  const server = cluster.nodes.find((node) => node.port === owner?.port);
  if (server === undefined) throw new Error(`no primary serves slot ${slot}`);
  return server;
}
