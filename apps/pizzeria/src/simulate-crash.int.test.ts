import { describe, expect, it } from 'vitest';
import {
  clusterNodesVariable,
  SIMULATION_TIMEOUT,
  type SimulationRun,
  simulate,
  useRedisCluster,
  useRedisServer,
} from '../test/simulation-fixture.js';

/** A small crash run: one front desk, two stations killed mid-order (at least 3 times in all). */
const ORDERS = 40;
const ARGS = ['--workers', '3', '--orders', String(ORDERS), '--timeout', '100', '--json', '--kill-stations'];

/** Every order final and completed at most once, nothing stranded, and the kills were really absorbed. */
function expectCrashSafe(run: SimulationRun): void {
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
    const server = useRedisServer();

    it(
      'completes every order exactly once, strands none, and reports the reclaimed orders',
      async () => {
        const run = await simulate(ARGS, { REDIS_URL: server().url, REDIS_CLIENT: 'ioredis' });
        console.log(run.output);
        expectCrashSafe(run);
        expect(await server().command(['DBSIZE'])).toBe(0);
      },
      SIMULATION_TIMEOUT,
    );
  });

  describe('on a 3-primary/3-replica Redis Cluster (node-redis)', () => {
    const cluster = useRedisCluster();

    it(
      'completes every order exactly once, strands none, and reports the reclaimed orders',
      async () => {
        const nodes = clusterNodesVariable(cluster());
        const run = await simulate(ARGS, { REDIS_CLUSTER_NODES: nodes, REDIS_CLIENT: 'node-redis' });
        console.log(run.output);
        expectCrashSafe(run);
      },
      SIMULATION_TIMEOUT,
    );
  });

  it('needs a front desk and at least one station', async () => {
    const run = await simulate(['--workers', '1', '--kill-stations'], {});
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/--kill-stations needs --workers 2 or more/);
  });
});
