import { hashSlotOf } from '@forno/core';
import type { RedisArgument } from '@redis/client';
import type { NodeRedisClusterClient } from './node-redis-client.js';

/** A connection of node-redis' Cluster slot map (`RedisCluster._slots`): a node's client. */
interface NodeConnection {
  readonly isReady: boolean;
  sendCommand(args: readonly RedisArgument[], options?: object): Promise<unknown>;
}

/** A node of the slot map: its address and its client, once created. */
interface SlotNode {
  readonly address: string;
  readonly client?: NodeConnection | undefined;
}

/** A shard of the slot map; `replicas` are filled because the Cluster is created with `useReplicas`. */
interface Shard {
  readonly master: SlotNode;
  readonly replicas?: readonly SlotNode[];
}

/** Reads sent to one primary and not answered yet (to find a primary that stopped answering). */
interface Pending {
  count: number;
  /** When the oldest of them was sent, or the latest answer arrived since (`performance.now()`). */
  since: number;
}

/**
 * Routes Cluster reads for `readFallback: 'replicas'` on node-redis: a read goes to its slot's
 * primary, unless that primary is down — its connection is lost (node-redis is reconnecting), or
 * reads sent to it got no answer for `quarantineMs` (a frozen server) — then straight to a ready
 * replica of the same slot (node-redis connects to replicas with `READONLY` because the Cluster is
 * created with `useReplicas: true`). A frozen primary is read again as soon as it answers.
 *
 * Replication is asynchronous, so a read served by a replica may miss the latest writes; and
 * writes the dead primary acknowledged but had not replicated are lost for good once the replica
 * is promoted.
 */
export class ReplicaReadFallback {
  readonly #quarantineMs: number;
  readonly #pending = new Map<string, Pending>();

  constructor(quarantineMs: number) {
    this.#quarantineMs = quarantineMs;
  }

  /** Sends read `args`, routed by `key`, to the primary of its slot, or to a replica while it is down. */
  read(
    cluster: NodeRedisClusterClient,
    key: RedisArgument | undefined,
    args: readonly RedisArgument[],
    options: object | undefined,
  ): Promise<unknown> {
    if (key === undefined) return cluster.sendCommand(key, false, args as RedisArgument[], options);
    const slots = (cluster as unknown as { _slots: { slots: ReadonlyArray<Shard | undefined> } })._slots;
    const shard = slots.slots[hashSlotOf(key)];
    const master = shard?.master;
    if (master !== undefined && !this.#usable(master)) {
      const replica = shard?.replicas?.find((node) => node.client?.isReady === true);
      if (replica !== undefined) return replica.client!.sendCommand(args, options);
    }
    const reply = cluster.sendCommand(key, false, args as RedisArgument[], options);
    return master === undefined ? reply : this.#observe(master.address, reply);
  }

  /** A primary can take reads: its connection is not lost and it answers within `quarantineMs`. */
  #usable(master: SlotNode): boolean {
    if (master.client?.isReady === false) return false;
    const pending = this.#pending.get(master.address);
    return pending === undefined || performance.now() - pending.since < this.#quarantineMs;
  }

  /** Counts `reply` as pending on `address` until it settles (any answer shows the node is alive). */
  #observe(address: string, reply: Promise<unknown>): Promise<unknown> {
    const now = performance.now();
    let pending = this.#pending.get(address);
    if (pending === undefined) {
      pending = { count: 0, since: now };
      this.#pending.set(address, pending);
    }
    pending.count++;
    const settled = () => {
      const current = this.#pending.get(address)!;
      if (--current.count === 0) this.#pending.delete(address);
      else current.since = performance.now();
    };
    reply.then(settled, settled);
    return reply;
  }
}
