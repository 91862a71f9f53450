import type { NodeRedisClient } from './node-redis-client.js';

/** The part of node-redis' Cluster slot map this module uses (`RedisCluster._slots`). */
interface ClusterSlots {
  rediscover(startWith: unknown): Promise<void>;
  readonly masters: ReadonlyArray<{ readonly client?: { readonly isReady?: boolean } }>;
}

/**
 * A hook for the command runner (`onTimeout`, `onUnavailable`) that makes a node-redis Cluster
 * reload its slot map, at most once per `intervalMs`. node-redis updates the map only when a node
 * answers `MOVED` or `ASK`; after a primary dies or freezes and its replica is promoted, nobody
 * answers for the old primary's slots, and every command for them would fail until the client
 * happened to reload. Reloading when a command finds the node unreachable (or out of time) lets
 * the next attempt — a retry within the same budget — go to the promoted replica.
 */
export function rediscoverOnFailure(intervalMs: number): (client: NodeRedisClient) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (client) => {
    const slots = (client as unknown as { _slots?: ClusterSlots })._slots;
    if (slots === undefined) return;
    const now = performance.now();
    if (now - last < intervalMs) return;
    last = now;
    // Ask a node that is up, a different one each time: a frozen node accepts the question and
    // never answers, and node-redis runs one reload at a time.
    const ready = slots.masters.filter((master) => master.client?.isReady);
    const startWith = ready[Math.floor(Math.random() * ready.length)]?.client;
    if (startWith === undefined) return;
    slots.rediscover(startWith).catch(() => {});
  };
}
