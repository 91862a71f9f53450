import { parseInfo } from '@forno/core';
import { type ClusterNodeEntry, parseClusterNodes } from './cluster-nodes.js';
import type { RedisServer } from './redis-server.js';

const SLOT_COUNT = 16_384;
const BAD_FLAGS = ['fail', 'fail?', 'handshake', 'noaddr'];

/** The shape a healthy cluster must have. */
export interface ClusterShape {
  /** Number of primaries holding slots. */
  primaries: number;
  /** Replicas attached to each primary. */
  replicasPerPrimary: number;
}

/**
 * Resolves when the cluster formed by `nodes` has fully converged, and throws an error saying what
 * is still missing otherwise (so it can be polled with `waitUntil`). Converged means, on every
 * node: `cluster_state:ok` with all 16384 slots served; every node known, its bus link up and no
 * failure or handshake flag; the expected number of primaries, each with its replicas; every
 * replica's replication link up; and all nodes agreeing on who is primary of what. Anything less
 * and a client that connects right away may see MOVED storms, CLUSTERDOWN or a missing replica.
 */
export async function assertClusterHealthy(
  nodes: readonly RedisServer[],
  shape: ClusterShape,
  options: { replicasInSlotMap?: boolean } = {},
): Promise<void> {
  const replicasInSlotMap = options.replicasInSlotMap ?? true;
  const views = await Promise.all(
    nodes.map((node) => checkNode(node, nodes.length, shape, replicasInSlotMap)),
  );
  const [first, ...others] = views;
  const disagreeing = others.findIndex((view) => view !== first);
  if (disagreeing !== -1) {
    throw new Error(
      `nodes ${nodes[0]?.port} and ${nodes[disagreeing + 1]?.port} disagree on the topology:\n${first}\n${views[disagreeing + 1]}`,
    );
  }
}

/** Checks one node's own view; returns a canonical summary of the topology it sees. */
async function checkNode(
  node: RedisServer,
  total: number,
  shape: ClusterShape,
  replicasInSlotMap: boolean,
): Promise<string> {
  const name = `node ${node.port}`;
  const info = parseInfo(String(await node.command(['CLUSTER', 'INFO'])));
  if (info.cluster_state !== 'ok') throw new Error(`${name}: cluster_state is ${info.cluster_state}`);
  if (info.cluster_slots_ok !== String(SLOT_COUNT)) {
    throw new Error(`${name}: cluster_slots_ok is ${info.cluster_slots_ok}, not ${SLOT_COUNT}`);
  }

  const entries = parseClusterNodes(String(await node.command(['CLUSTER', 'NODES'])));
  if (entries.length !== total) throw new Error(`${name}: knows ${entries.length} of ${total} nodes`);
  for (const entry of entries) {
    const bad = entry.flags.filter((flag) => BAD_FLAGS.includes(flag));
    if (bad.length > 0) throw new Error(`${name}: sees ${entry.port} as ${bad.join(',')}`);
    if (!entry.connected) throw new Error(`${name}: bus link to ${entry.port} is down`);
  }

  const primaries = entries.filter((entry) => entry.role === 'primary');
  if (primaries.length !== shape.primaries || primaries.some((entry) => entry.slots.length === 0)) {
    throw new Error(`${name}: sees ${primaries.length} primaries (want ${shape.primaries}, each with slots)`);
  }
  for (const primary of primaries) {
    const replicas = entries.filter((entry) => entry.primaryId === primary.id);
    if (replicas.length !== shape.replicasPerPrimary) {
      throw new Error(
        `${name}: primary ${primary.port} has ${replicas.length} replicas, want ${shape.replicasPerPrimary}`,
      );
    }
  }
  const covered = primaries.reduce(
    (sum, p) => sum + p.slots.reduce((n, [from, to]) => n + to - from + 1, 0),
    0,
  );
  if (covered !== SLOT_COUNT) throw new Error(`${name}: primaries cover ${covered} slots, not ${SLOT_COUNT}`);

  if (replicasInSlotMap) await assertSlotMapListsReplicas(node, shape);

  const myself = entries.find((entry) => entry.flags.includes('myself'));
  if (myself?.role === 'replica') {
    const replication = parseInfo(String(await node.command(['INFO', 'replication'])));
    if (replication.master_link_status !== 'up') {
      throw new Error(`${name}: replication link is ${replication.master_link_status}`);
    }
  }
  return summarize(entries);
}

function summarize(entries: readonly ClusterNodeEntry[]): string {
  const portOf = new Map(entries.map((entry) => [entry.id, entry.port]));
  return entries
    .map((entry) =>
      entry.role === 'primary'
        ? `${entry.port} primary ${entry.slots.map(([from, to]) => `${from}-${to}`).join(',')}`
        : `${entry.port} replica of ${entry.primaryId === undefined ? '?' : portOf.get(entry.primaryId)}`,
    )
    .sort()
    .join('; ');
}

/**
 * `CLUSTER SLOTS` — the slot map clients load — lists every replica. Redis leaves out a replica
 * whose replication offset is still 0 (nothing replicated yet), so on a fresh cluster a client
 * would start with a map of primaries only and change its node set later (which, among other
 * things, moves ioredis' pub/sub connection and loses the messages published meanwhile).
 */
async function assertSlotMapListsReplicas(node: RedisServer, shape: ClusterShape): Promise<void> {
  const ranges = await node.command(['CLUSTER', 'SLOTS']);
  if (!Array.isArray(ranges)) throw new Error(`node ${node.port}: CLUSTER SLOTS answered ${String(ranges)}`);
  for (const range of ranges) {
    const listed = Array.isArray(range) ? range.length - 3 : -1;
    if (listed !== shape.replicasPerPrimary) {
      const [from, to] = Array.isArray(range) ? range : [];
      throw new Error(
        `node ${node.port}: CLUSTER SLOTS lists ${listed} replicas for slots ${from}-${to}, want ${shape.replicasPerPrimary}`,
      );
    }
  }
}
