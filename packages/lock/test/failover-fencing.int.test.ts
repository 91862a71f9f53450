/**
 * Fencing through failover: contended locks under a `SENTINEL FAILOVER` and a `CLUSTER FAILOVER`,
 * for each primitive (`DistributedLock`, `FairLock`, `ReadWriteLock`, `DistributedSemaphore`) one
 * group of workers with the default durability and one with `durability: 'replicated'`, the
 * fenced ones writing to a resource that refuses stale tokens. Reports accepted and refused
 * writes, tokens issued twice and overlapping holders; with `'replicated'`, no token may be issued
 * twice or out of order, and no two holders may overlap.
 */
import { type CacheRepository, hashSlotOf, type LockBackend } from '@forno/core';
import { NodeRedisRepository } from '@forno/node-redis-driver';
import { RedisRepository } from '@forno/redis-driver';
import { castFor, manualFailover } from '@forno/testing/faults';
import { startRedisCluster, startRedisSentinel } from '@forno/testing/servers';
import { afterEach, expect, it } from 'vitest';
import {
  type FencedGroup,
  type FencedGroupReport,
  type FencedPrimitive,
  formatFencedReport,
  runFencedLoad,
} from './fenced-failover.js';

const WORKERS = 3;
const cleanup: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => {});
});

const PRIMITIVES: readonly FencedPrimitive[] = ['lock', 'fair', 'read-write', 'semaphore'];

/** A group per primitive and durability; `key` names each group's lock. */
async function groupsOf(
  repositories: () => Promise<(CacheRepository & LockBackend)[]>,
  key: (name: string) => string,
): Promise<FencedGroup[]> {
  const groups: FencedGroup[] = [];
  for (const primitive of PRIMITIVES) {
    for (const durability of ['primary', 'replicated'] as const) {
      groups.push({
        primitive,
        durability,
        repositories: await repositories(),
        key: key(`${primitive}-${durability}`),
      });
    }
  }
  return groups;
}

function expectSafe(reports: readonly FencedGroupReport[]): void {
  expect(reports).toHaveLength(PRIMITIVES.length * 2);
  for (const report of reports) {
    const group = `${report.primitive}, ${report.durability}`;
    expect(report.untypedErrors, group).toEqual([]);
    expect(report.lostUpdates, group).toBe(0);
    expect(report.grants, group).toBeGreaterThan(0);
    if (report.primitive !== 'semaphore') expect(report.acceptedWrites, group).toBeGreaterThan(0);
    if (report.durability === 'replicated') {
      expect(report.tokensIssuedTwice, group).toBe(0);
      expect(report.fenceOrderViolations, group).toBe(0);
      expect(report.overlaps, group).toBe(0);
    }
  }
}

it('SENTINEL FAILOVER: replicated grants keep tokens unique and increasing and holders apart, for every primitive (ioredis)', async () => {
  const sentinel = await startRedisSentinel({ replicas: 1, sentinels: 3 });
  cleanup.push(() => sentinel.stop());
  const connect = async () => {
    const repo = new RedisRepository({
      sentinel: { sentinels: sentinel.sentinelAddresses, name: sentinel.masterName },
      keyPrefix: 'fenced:',
      commandTimeout: 1_000,
      healthCheckInterval: false,
    });
    cleanup.push(() => repo.disconnect());
    await repo.connect();
    return repo;
  };
  const repositories = async () => Promise.all(Array.from({ length: WORKERS }, connect));
  const reports = await runFencedLoad(
    await groupsOf(repositories, (name) => name),
    async () => {
      await sentinel.failover({ waitForOldPrimary: false });
    },
    1_500,
  );
  console.info(formatFencedReport('SENTINEL FAILOVER', reports));
  expectSafe(reports);
}, 60_000);

it('CLUSTER FAILOVER of the lock`s primary: replicated grants keep tokens unique and increasing and holders apart, for every primitive (node-redis)', async () => {
  const cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
  cleanup.push(() => cluster.stop());
  const cast = await castFor(cluster);
  // Lock keys served by the primary that fails over.
  const onVictim = (name: string) => {
    for (let i = 0; ; i++) {
      const slot = hashSlotOf(`fenced:${name}${i}`);
      if (cast.victimSlots.some(([from, to]) => slot >= from && slot <= to)) return `${name}${i}`;
    }
  };
  const connect = async (): Promise<CacheRepository & LockBackend> => {
    const repo = new NodeRedisRepository({
      cluster: { nodes: cluster.startupNodes.map(({ host, port }) => ({ host, port })) },
      keyPrefix: 'fenced:',
      commandTimeout: 1_000,
      healthCheckInterval: false,
    });
    cleanup.push(() => repo.disconnect());
    await repo.connect();
    return repo;
  };
  const repositories = async () => Promise.all(Array.from({ length: WORKERS }, connect));
  const reports = await runFencedLoad(
    await groupsOf(repositories, onVictim),
    async () => {
      await manualFailover.inject(cluster, cast, () => performance.now());
    },
    1_500,
  );
  console.info(formatFencedReport('CLUSTER FAILOVER', reports));
  expectSafe(reports);
}, 60_000);
