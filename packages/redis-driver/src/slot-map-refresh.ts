import { isCluster, type RedisClient } from './create-client.js';

/**
 * After an operation ran out of time on a Cluster, asks ioredis to re-read the slot map (at most
 * once per `intervalMs` per client). ioredis refreshes it on connection errors, `MOVED` and
 * `CLUSTERDOWN`, never on timeouts: a frozen primary keeps its connection open, so without this the
 * client would keep sending to it long after its replica was promoted, until it came back.
 */
export function refreshSlotMapOnTimeout(intervalMs: number): (client: RedisClient) => void {
  const lastRefresh = new WeakMap<RedisClient, number>();
  return (client) => {
    if (!isCluster(client)) return;
    const now = performance.now();
    if (now - (lastRefresh.get(client) ?? Number.NEGATIVE_INFINITY) < intervalMs) return;
    lastRefresh.set(client, now);
    client.refreshSlotsCache();
  };
}
