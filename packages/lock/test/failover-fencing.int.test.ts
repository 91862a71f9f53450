/**
 * Fencing through failover: contended locks under a `SENTINEL FAILOVER` and a `CLUSTER FAILOVER`,
 * one group of workers with the default durability and one with `durability: 'replicated'`, each
 * writing to a resource that refuses stale tokens. Reports accepted and refused writes and tokens
 * issued twice; with `'replicated'`, no token may be issued twice or out of order.
 */
import { type CacheRepository, hashSlotOf, type LockBackend } from '@forno/core';
import { NodeRedisRepository } from '@forno/node-redis-driver';
import { RedisRepository } from '@forno/redis-driver';
import { castFor, manualFailover } from '@forno/testing/faults';
import { startRedisCluster, startRedisSentinel } from '@forno/testing/servers';
import { afterEach, expect, it } from 'vitest';
import { type FencedGroupReport, formatFencedReport, runFencedLoad } from './fenced-failover.js';

const WORKERS = 3;
const cleanup: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => {});
});

function expectSafe(reports: readonly FencedGroupReport[]): void {
  for (const report of reports) {
    expect(report.untypedErrors).toEqual([]);
    expect(report.lostUpdates).toBe(0);
    expect(report.acceptedWrites).toBeGreaterThan(0);
  }
  const replicated = reports.find((r) => r.durability === 'replicated')!;
  expect(replicated.tokensIssuedTwice).toBe(0);
  expect(replicated.fenceOrderViolations).toBe(0);
}

it('SENTINEL FAILOVER: replicated grants keep tokens unique and increasing (ioredis)', async () => {
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
    [
      { durability: 'primary', repositories: await repositories(), key: 'primary-lock' },
      { durability: 'replicated', repositories: await repositories(), key: 'replicated-lock' },
    ],
    async () => {
      await sentinel.failover({ waitForOldPrimary: false });
    },
    1_500,
  );
  console.info(formatFencedReport('SENTINEL FAILOVER', reports));
  expectSafe(reports);
}, 60_000);

it('CLUSTER FAILOVER of the lock`s primary: replicated grants keep tokens unique and increasing (node-redis)', async () => {
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
    [
      { durability: 'primary', repositories: await repositories(), key: onVictim('primary-lock') },
      { durability: 'replicated', repositories: await repositories(), key: onVictim('replicated-lock') },
    ],
    async () => {
      await manualFailover.inject(cluster, cast, () => performance.now());
    },
    1_500,
  );
  console.info(formatFencedReport('CLUSTER FAILOVER', reports));
  expectSafe(reports);
}, 60_000);
