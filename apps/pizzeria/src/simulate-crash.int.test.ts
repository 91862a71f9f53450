import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envWithoutRedis, runScript } from '../test/run-script.js';
import { RESULT_MARKER, type SimulationResult } from './simulation/sim-stats.js';

/** A small crash run: one front desk, two stations killed mid-order (at least 3 times in all). */
const ORDERS = 40;
const ARGS = ['--workers', '3', '--orders', String(ORDERS), '--timeout', '100', '--json', '--kill-stations'];
const RUN_TIMEOUT = 120_000;

async function simulateWithKills(env: Record<string, string>) {
  const run = runScript('src/simulate.ts', ARGS, envWithoutRedis(env));
  const code = await run.exited;
  const output = run.output();
  const line = output.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  const result =
    line === undefined ? undefined : (JSON.parse(line.slice(RESULT_MARKER.length)) as SimulationResult);
  return { code, output, result };
}

/** Every order final and completed at most once, nothing stranded, and the kills were really absorbed. */
function expectCrashSafe(run: Awaited<ReturnType<typeof simulateWithKills>>): void {
  expect(run.result, run.output).toBeDefined();
  const result = run.result!;
  expect(result.kills, run.output).toBeGreaterThan(0);
  expect(result.reclaimed, run.output).toBeGreaterThan(0);
  expect(result.stranded, run.output).toBe(0);
  expect(result.pendingAtEnd, run.output).toBe(0);
  expect(result.duplicates, run.output).toBe(0);
  expect(result.completed + result.rejected, run.output).toBe(ORDERS);
  expect(result.negativeStockEvents, run.output).toBe(0);
  expect(result.ledgerMismatches, run.output).toEqual([]);
  expect(run.code, run.output).toBe(0);
}

describe('simulate --kill-stations: stations killed with SIGKILL mid-order', () => {
  describe('on a real redis-server (ioredis)', () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await startRedisServer();
    });
    afterAll(async () => {
      await server?.stop();
    });

    it(
      'completes every order exactly once, strands none, and reports the reclaimed orders',
      async () => {
        const run = await simulateWithKills({ REDIS_URL: server.url, REDIS_CLIENT: 'ioredis' });
        console.log(run.output);
        expectCrashSafe(run);
        expect(await server.command(['DBSIZE'])).toBe(0);
      },
      RUN_TIMEOUT,
    );
  });

  describe('on a 3-primary/3-replica Redis Cluster (node-redis)', () => {
    let cluster: RedisCluster;
    beforeAll(async () => {
      cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
    });
    afterAll(async () => {
      await cluster?.stop();
    });

    it(
      'completes every order exactly once, strands none, and reports the reclaimed orders',
      async () => {
        const nodes = cluster.startupNodes.map((node) => `${node.host}:${node.port}`).join(',');
        const run = await simulateWithKills({ REDIS_CLUSTER_NODES: nodes, REDIS_CLIENT: 'node-redis' });
        console.log(run.output);
        expectCrashSafe(run);
      },
      RUN_TIMEOUT,
    );
  });

  it('needs a front desk and at least one station', async () => {
    const run = runScript('src/simulate.ts', ['--workers', '1', '--kill-stations'], envWithoutRedis({}));
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/--kill-stations needs --workers 2 or more/);
  });
});
