import type { CacheEventEmitter, PerformanceSummary } from '@forno/core';
import type { RawCommands } from '@forno/core/backend';
import {
  buildPerformanceSummary,
  type CacheMetrics,
  INSTRUMENTS,
  recordRepositoryMetrics,
} from '@forno/metrics';
import { isCluster, type RedisClient } from './create-client.js';

/**
 * The metrics of a `RedisRepository` created with `enableMetrics: true`: its raw commands are timed
 * (`recordRepositoryMetrics`; the repository runs `raw`, a repository without metrics the driver's
 * own commands untouched), and the operation and connection events it reports are recorded into a
 * {@link CacheMetrics}. The `active_connections` gauge is read from the pool.
 */
export class RedisMetrics {
  /** Where the repository's events are recorded. */
  readonly metrics: CacheMetrics;
  /** The driver's raw commands, timed: what the repository runs. */
  readonly raw: RawCommands;

  constructor(raw: RawCommands, events: CacheEventEmitter, clients: readonly RedisClient[], prefix: string) {
    const metered = recordRepositoryMetrics(raw, events, prefix);
    this.metrics = metered.metrics;
    this.raw = metered.raw;
    // After `record` (which can only guess from the event), set the exact count of ready connections.
    const { name } = INSTRUMENTS.activeConnections;
    events.onEvent((event) => {
      if (event.type === 'connection') this.metrics.setGauge(name, countReadyConnections(clients));
    });
  }
}

/**
 * Connections of the pool that are ready: one per pooled connection on a standalone server or
 * Sentinel primary, one per node connection on a Cluster. The pub/sub connection is not counted.
 */
export function countReadyConnections(clients: readonly RedisClient[]): number {
  let ready = 0;
  for (const client of clients) {
    if (isCluster(client)) {
      for (const node of client.nodes('all')) if (node.status === 'ready') ready++;
    } else if (client.status === 'ready') {
      ready++;
    }
  }
  return ready;
}

/**
 * The repository's {@link PerformanceSummary}: traffic from its metrics (zeros when metrics are
 * disabled), ready connections from the pool, and `used_memory` from `INFO memory` (summed over
 * Cluster primaries). Rejects with the typed error of `INFO` when Redis cannot be reached.
 */
export async function redisPerformanceSummary(
  metrics: RedisMetrics | undefined,
  clients: readonly RedisClient[],
  memoryUsage: () => Promise<number | null>,
): Promise<PerformanceSummary> {
  const memory = (await memoryUsage()) ?? 0;
  return buildPerformanceSummary(metrics?.metrics, {
    activeConnections: countReadyConnections(clients),
    memoryUsage: memory,
  });
}
