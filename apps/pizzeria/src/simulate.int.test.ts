import { describe, expect, it } from 'vitest';
import {
  clusterNodesVariable,
  SIMULATION_TIMEOUT,
  type SimulationRun,
  simulate,
  useRedisCluster,
  useRedisServer,
} from '../test/simulation-fixture.js';

const ARGS = ['--workers', '4', '--orders', '300', '--timeout', '100', '--json'];

function expectClean(run: SimulationRun): void {
  expect(run.result, run.output).toBeDefined();
  const result = run.result!;
  expect(result.duplicates, run.output).toBe(0);
  expect(result.negativeStockEvents, run.output).toBe(0);
  expect(result.ledgerMismatches, run.output).toEqual([]);
  expect(result.ordersProcessed).toBe(300);
  expect(result.completed + result.rejected).toBe(300);
  // Every order was delivered twice: the second delivery found it processed.
  expect(result.redeliveriesAbsorbed).toBe(300);
  expect(result.repeatCompletionsAbsorbed).toBe(result.completed);
  expect(result.lockWaits).toBeGreaterThan(0); // the workers really did contend
  expect(run.code, run.output).toBe(0);
}

describe('simulate on a real redis-server', () => {
  const server = useRedisServer();

  it.each(['ioredis', 'node-redis'])(
    '4 workers, 300 orders on the %s driver: no duplicate, no negative stock, the stock ledger balances',
    async (client) => {
      const run = await simulate(ARGS, { REDIS_URL: server().url, REDIS_CLIENT: client });
      console.log(run.output);
      expectClean(run);
      // Not on a terminal: plain progress lines (no bar drawn in place), ending with all orders done.
      expect(run.output).toMatch(/^simulate progress: 300\/300 orders \(100%\), \d+:\d\d elapsed, done/m);
      expect(run.output).not.toContain('\r');
      // The run cleaned up after itself.
      expect(await server().command(['DBSIZE'])).toBe(0);
    },
    SIMULATION_TIMEOUT,
  );
});

describe('simulate on a 3-primary/3-replica Redis Cluster', () => {
  const cluster = useRedisCluster();

  it.each(['ioredis', 'node-redis'])(
    '4 workers, 300 orders on the %s driver: no duplicate, no negative stock, the stock ledger balances',
    async (client) => {
      const nodes = clusterNodesVariable(cluster());
      const run = await simulate(ARGS, { REDIS_CLUSTER_NODES: nodes, REDIS_CLIENT: client });
      console.log(run.output);
      expectClean(run);
    },
    SIMULATION_TIMEOUT,
  );
});

describe('simulate without Redis', () => {
  it('says that it needs REDIS_URL or REDIS_CLUSTER_NODES, and exits 2', async () => {
    const run = await simulate(ARGS, {});
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/needs a Redis .*: set REDIS_URL/);
    expect(run.output).toMatch(/REDIS_CLUSTER_NODES/);
  });
});
