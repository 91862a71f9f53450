import { type PerformanceSummary, parseInfo } from '@forno/core';
import { buildPerformanceSummary, type CacheMetrics } from '@forno/metrics';
import {
  type NodeRedisClient,
  type NodeRedisClusterClient,
  type NodeRedisKind,
  sendCommand,
} from './node-redis-client.js';
import { rethrowAsCacheError } from './to-cache-error.js';

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

/** `used_memory` of `INFO memory`, summed over Cluster primaries. */
export async function usedMemory(client: NodeRedisClient, kind: NodeRedisKind): Promise<number> {
  const replies: string[] = [];
  const info = (c: NodeRedisClient, k: NodeRedisKind) =>
    sendCommand(c, k, ['INFO', 'memory'], { readonly: false, binary: false }).catch(rethrowAsCacheError);
  if (kind === 'cluster') {
    const cluster = client as NodeRedisClusterClient;
    for (const master of cluster.masters) {
      const node = (await cluster.nodeClient(master)) as unknown as NodeRedisClient;
      replies.push(String(await info(node, 'standalone')));
    }
  } else {
    replies.push(String(await info(client, kind)));
  }
  return replies.reduce((sum, text) => sum + Number(parseInfo(text).used_memory ?? 0), 0);
}

/**
 * The repository's performance summary: traffic from its metrics (zeros when metrics are off),
 * ready connections of the pool, and the server's `used_memory`.
 */
export async function nodeRedisPerformanceSummary(
  metrics: CacheMetrics | undefined,
  clients: readonly NodeRedisClient[],
  kind: NodeRedisKind,
): Promise<PerformanceSummary> {
  const memoryUsage = await usedMemory(clients[0]!, kind);
  return buildPerformanceSummary(metrics, {
    activeConnections: countReadyConnections(clients, kind),
    memoryUsage,
  });
}
