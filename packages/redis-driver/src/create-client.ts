import type { ResolvedRedisConfig } from '@forno/core/backend';
import { LOCK_SCRIPTS } from '@forno/core/backend';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { ReplicaReadFallback } from './replica-read-fallback.js';

/** A connection as ioredis models it: one server (standalone or via Sentinel) or a whole Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * Builds ioredis options that fail fast instead of ioredis' patient defaults:
 * - every command on a command connection is sent through the `CommandRunner`, whose deadline
 *   (`commandTimeout`) bounds it; ioredis' own per-command timer (its `commandTimeout` option, a
 *   second `setTimeout` per command) is set only where something reads it: the pub/sub connection,
 *   and Cluster reads with `readFallback: 'replicas'`, which avoid a primary whose reads time out;
 * - `maxRetriesPerRequest: 0` and an offline queue that is switched off once ready (see
 *   `RedisRepository`), so commands issued while disconnected fail at once instead of queueing
 *   through 20 reconnect attempts (~70 s);
 * - `autoResendUnfulfilledCommands: false`, so a non-idempotent command that may have run is never
 *   sent twice after a reconnect (idempotent ones are retried by Forno, within their budget);
 * - reconnects go on forever in the background, with the configured backoff.
 */
function baseOptions(
  config: ResolvedRedisConfig,
  reconnectDelay: (attempt: number) => number,
  role: 'commands' | 'subscriber',
): RedisOptions {
  const ownTimer = role === 'subscriber' || config.cluster?.readFallback === 'replicas';
  return {
    lazyConnect: true,
    db: config.db,
    ...(config.username === undefined ? {} : { username: config.username }),
    ...(config.password === undefined ? {} : { password: config.password }),
    ...(config.tls === undefined ? {} : { tls: { ...config.tls } as RedisOptions['tls'] }),
    ...(config.connectionName === undefined ? {} : { connectionName: config.connectionName }),
    ...(ownTimer ? { commandTimeout: config.commandTimeoutMs } : {}),
    connectTimeout: config.connectTimeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: true,
    autoResendUnfulfilledCommands: false,
    enableAutoPipelining: config.autoPipelining,
    retryStrategy: (attempt) => reconnectDelay(attempt),
    // After a failover the old primary answers READONLY: reconnect (Sentinel finds the new one).
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 1 : false),
  };
}

/**
 * Creates an (unconnected) ioredis client for the configured mode. ioredis' option types reject
 * explicit `undefined` under `exactOptionalPropertyTypes`; the objects built here never contain
 * one, so the `as never` casts only bridge that typing difference.
 */
export function createClient(
  config: ResolvedRedisConfig,
  reconnectDelay: (attempt: number) => number,
  role: 'commands' | 'subscriber' = 'commands',
): RedisClient {
  const options = baseOptions(config, reconnectDelay, role);
  if (config.cluster) {
    const { db: _db, ...redisOptions } = options;
    const readFallback =
      config.cluster.readFallback === 'replicas'
        ? new ReplicaReadFallback(config.commandTimeoutMs)
        : undefined;
    const clusterOptions = {
      lazyConnect: true,
      redisOptions,
      scripts: LOCK_SCRIPTS,
      enableOfflineQueue: true,
      enableAutoPipelining: config.autoPipelining,
      scaleReads: readFallback?.select ?? config.cluster.scaleReads,
      clusterRetryStrategy: (attempt: number) => reconnectDelay(attempt),
      retryDelayOnFailover: 50,
      retryDelayOnClusterDown: 50,
      retryDelayOnTryAgain: 50,
      // A slot-map refresh tries one node after another; a frozen one (connections accepted,
      // nothing answered) must not hold up commands for longer than an operation may take. The
      // subscriber has no deadline to keep: on a busy machine it gives a refresh longer.
      slotsRefreshTimeout:
        role === 'commands'
          ? Math.min(config.commandTimeoutMs, config.connectTimeoutMs)
          : Math.max(1_000, config.connectTimeoutMs),
      ...(config.cluster.natMap === undefined ? {} : { natMap: { ...config.cluster.natMap } }),
      // Sharded channels (a lock key's release announcements) are heard on the key's shard.
      ...(role === 'subscriber' ? { shardedSubscribers: true } : {}),
    };
    const cluster = new Cluster(
      config.cluster.nodes.map((node) => ({ ...node })),
      clusterOptions as never,
    );
    readFallback?.watch(cluster);
    return cluster;
  }
  if (config.sentinel) {
    const { sentinels, name, sentinelUsername, sentinelPassword } = config.sentinel;
    return new Redis({
      ...options,
      sentinels: sentinels.map((node) => ({ ...node })),
      name,
      ...(sentinelUsername === undefined ? {} : { sentinelUsername }),
      ...(sentinelPassword === undefined ? {} : { sentinelPassword }),
      sentinelRetryStrategy: (attempt: number) => reconnectDelay(attempt),
      scripts: LOCK_SCRIPTS,
      enableAutoPipelining: false, // batched by corking the socket instead (see `CommandRunner`)
      failoverDetector: true,
    } as never);
  }
  return new Redis({
    ...options,
    host: config.host,
    port: config.port,
    scripts: LOCK_SCRIPTS,
    enableAutoPipelining: false, // batched by corking the socket instead (see `CommandRunner`)
  } as never);
}

/** Whether a client is a Cluster client (by ioredis' own flag, so it works across ioredis copies). */
export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}
