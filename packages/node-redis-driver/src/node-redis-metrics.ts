import type { PerformanceSummary } from '@forno/core';
import { buildPerformanceSummary, type CacheMetrics } from '@forno/metrics';
import type { NodeRedisClient, NodeRedisClusterClient, NodeRedisKind } from './node-redis-client.js';

/** The node-redis connections that are ready: each pooled client, or each Cluster primary's. */
export function countReadyConnections(clients: readonly NodeRedisClient[], kind: NodeRedisKind): number {
  let ready = 0;
  for (const client of clients) {
    if (kind === 'cluster') {
      for (const master of (client as NodeRedisClusterClient).masters) {
        if ((master.client as { isReady?: boolean } | undefined)?.isReady) ready++;
      }
    } else if ((client as unknown as { isReady: boolean }).isReady) {
      ready++;
    }
  }
  return ready;
}

/**
 * The repository's performance summary: traffic from its metrics (zeros when metrics are off),
 * ready connections of the pool, and the server's `used_memory`.
 */
export async function nodeRedisPerformanceSummary(
  metrics: CacheMetrics | undefined,
  clients: readonly NodeRedisClient[],
  kind: NodeRedisKind,
  memoryUsage: () => Promise<number | null>,
): Promise<PerformanceSummary> {
  return buildPerformanceSummary(metrics, {
    activeConnections: countReadyConnections(clients, kind),
    memoryUsage: (await memoryUsage()) ?? 0,
  });
}
