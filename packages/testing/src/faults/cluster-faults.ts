/**
 * The four Cluster faults of the fault suite, each on a primary ("victim") and its replica
 * ("heir"), and the waits that tell when the cluster has got over them.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { hashSlotOf } from '@forno/core';
import type { ClusterNodeEntry } from '../servers/cluster-nodes.js';
import { parseClusterNodes } from '../servers/cluster-nodes.js';
import type { RedisCluster } from '../servers/redis-cluster.js';
import type { RedisServer } from '../servers/redis-server.js';
import { waitUntil } from '../servers/wait-until.js';

/** A primary, its replica and a third primary (a bystander that keeps answering). */
export interface FaultCast {
  readonly victim: RedisServer;
  readonly heir: RedisServer;
  readonly bystander: RedisServer;
  /** The victim's slot ranges before the fault. */
  readonly victimSlots: ReadonlyArray<readonly [number, number]>;
}

/** Marks a fault returns, in ms since the load started. */
export interface FaultMarks {
  readonly promotedAt?: number;
  readonly settledAt?: number;
}

/** One fault of the suite. */
export interface ClusterFault {
  readonly name: string;
  /** Injects the fault and waits until the cluster has got over it; `now()` is the load's clock. */
  inject(cluster: RedisCluster, cast: FaultCast, now: () => number): Promise<FaultMarks>;
}

const PROMOTION_TIMEOUT_MS = 30_000;
const FROZEN_AFTER_PROMOTION_MS = 1_500;

/**
 * Picks the first primary, its replica and another primary, after one write on every primary:
 * `CLUSTER SLOTS` lists a replica only once it has replicated something, so on a fresh cluster a
 * client would not know any replica.
 */
export async function castFor(cluster: RedisCluster): Promise<FaultCast> {
  const entries = await cluster.topology();
  await listReplicas(cluster, entries);
  const primaries = entries.filter((entry) => entry.role === 'primary' && entry.slots.length > 0);
  const [victimEntry, bystanderEntry] = primaries;
  const heirEntry = entries.find((entry) => entry.primaryId === victimEntry?.id);
  if (victimEntry === undefined || bystanderEntry === undefined || heirEntry === undefined) {
    throw new Error('the cluster needs two primaries and a replica of the first');
  }
  const server = (entry: ClusterNodeEntry) => cluster.nodes.find((node) => node.port === entry.port)!;
  return {
    victim: server(victimEntry),
    heir: server(heirEntry),
    bystander: server(bystanderEntry),
    victimSlots: victimEntry.slots,
  };
}

async function listReplicas(cluster: RedisCluster, entries: readonly ClusterNodeEntry[]): Promise<void> {
  const primaries = entries.filter((entry) => entry.role === 'primary' && entry.slots.length > 0);
  for (const primary of primaries) {
    const [[from, to] = [0, 0]] = primary.slots;
    let key = '';
    for (let i = 0; key === ''; i++) {
      const slot = hashSlotOf(`replicated:${i}`);
      if (slot >= from && slot <= to) key = `replicated:${i}`;
    }
    await cluster.nodes.find((node) => node.port === primary.port)?.command(['SET', key, '1']);
  }
  await waitUntil(
    async () => {
      for (const node of cluster.nodes) {
        const ranges = (await node.command(['CLUSTER', 'SLOTS'])) as unknown[][];
        if (ranges.some((range) => range.length < 4)) throw new Error(`${node.port} lists no replica yet`);
      }
    },
    { timeoutMs: 10_000, intervalMs: 50, description: 'every node listing the replicas in CLUSTER SLOTS' },
  );
}

/** Resolves when `observer`'s `CLUSTER NODES` shows `node` as a primary serving slots. */
async function promoted(observer: RedisServer, node: RedisServer): Promise<void> {
  await waitUntil(
    async () => {
      const entries = parseClusterNodes(
        String(await observer.command(['CLUSTER', 'NODES'], { timeoutMs: 500 })),
      );
      const entry = entries.find((candidate) => candidate.port === node.port);
      if (entry?.role !== 'primary' || entry.slots.length === 0)
        throw new Error(`${node.port} is not primary yet`);
    },
    { timeoutMs: PROMOTION_TIMEOUT_MS, intervalMs: 10, description: `${node.port} promoted` },
  );
}

/** Resolves when `node` itself and `observer` both see `node` as a replica of `primary`. */
async function demoted(observer: RedisServer, node: RedisServer, primary: RedisServer): Promise<void> {
  await waitUntil(
    async () => {
      for (const view of [observer, node]) {
        const entries = parseClusterNodes(
          String(await view.command(['CLUSTER', 'NODES'], { timeoutMs: 500 })),
        );
        const entry = entries.find((candidate) => candidate.port === node.port);
        const primaryId = entries.find((candidate) => candidate.port === primary.port)?.id;
        if (entry?.role !== 'replica' || entry.primaryId !== primaryId) {
          throw new Error(`${view.port} does not see ${node.port} as a replica of ${primary.port} yet`);
        }
      }
    },
    { timeoutMs: PROMOTION_TIMEOUT_MS, intervalMs: 50, description: `${node.port} back as a replica` },
  );
}

/** The primary is SIGKILLed and stays down; its replica takes over after `cluster-node-timeout`. */
export const killPrimary: ClusterFault = {
  name: 'primary SIGKILL',
  async inject(_cluster, { victim, heir, bystander }, now) {
    await victim.kill();
    await promoted(bystander, heir);
    return { promotedAt: now() };
  },
};

/**
 * The primary is frozen (SIGSTOP: connections accepted, nothing answered) until its replica is
 * promoted and 1.5 s more, then resumed (SIGCONT): it learns it lost its slots and comes back as a
 * replica.
 */
export const freezePrimary: ClusterFault = {
  name: 'primary SIGSTOP past cluster-node-timeout, then SIGCONT',
  async inject(_cluster, { victim, heir, bystander }, now) {
    await victim.pause();
    await promoted(bystander, heir);
    const promotedAt = now();
    // Still frozen for a while: clients must find the new primary by themselves, not because the
    // old one wakes up and answers MOVED.
    await delay(FROZEN_AFTER_PROMOTION_MS);
    await victim.resume();
    await demoted(bystander, victim, heir);
    return { promotedAt, settledAt: now() };
  },
};

/**
 * `CLUSTER FAILOVER` on the replica: the primary pauses writers until the replica has caught up,
 * then they swap roles. Nothing acknowledged is lost, and clients should see no error.
 */
export const manualFailover: ClusterFault = {
  name: 'manual CLUSTER FAILOVER',
  async inject(_cluster, { victim, heir, bystander }, now) {
    const reply = await heir.command(['CLUSTER', 'FAILOVER']);
    if (reply !== 'OK') throw new Error(`CLUSTER FAILOVER answered ${JSON.stringify(reply)}`);
    await promoted(bystander, heir);
    const promotedAt = now();
    await demoted(bystander, victim, heir);
    return { promotedAt, settledAt: now() };
  },
};

/** Slots moved by {@link reshardSlots}. */
export const RESHARD_SLOTS = 300;

/** `redis-cli --cluster reshard` of {@link RESHARD_SLOTS} slots from the victim to the bystander. */
export const reshardSlots: ClusterFault = {
  name: `live resharding of ${RESHARD_SLOTS} slots`,
  async inject(cluster, { victim, bystander }, now) {
    await cluster.reshard({ from: victim, to: bystander, slots: RESHARD_SLOTS });
    return { settledAt: now() };
  },
};
