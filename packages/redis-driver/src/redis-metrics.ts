import type { CacheEventEmitter, CacheRepository } from '@forno/core';
import {
  buildPerformanceSummary,
  type CacheMetrics,
  INSTRUMENTS,
  type PerformanceSummary,
  recordRepositoryMetrics,
} from '@forno/metrics';
import { isCluster, type RedisClient } from './create-client.js';

/**
 * The metrics of a `RedisRepository` created with `enableMetrics: true`: its data operations are
 * timed by per-instance wrappers (`instrumentRepository`), so a repository without metrics runs
 * the prototype's methods untouched, and the operation and connection events it reports are
 * recorded into a {@link CacheMetrics}. The `active_connections` gauge is read from the pool.
 */
export class RedisMetrics {
  /** Where the repository's events are recorded. */
  readonly metrics: CacheMetrics;

  constructor(
    repository: CacheRepository,
    events: CacheEventEmitter,
    clients: readonly RedisClient[],
    prefix: string,
  ) {
    this.metrics = recordRepositoryMetrics(repository, events, prefix);
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
