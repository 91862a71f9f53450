import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envWithoutRedis, runScript } from '../test/run-script.js';
import { RESULT_MARKER, type SimulationResult } from './simulation/sim-stats.js';

const ARGS = ['--workers', '4', '--orders', '300', '--timeout', '100', '--json'];
/** A run takes 10-30 s on two cores; the margin is for CI machines busy with other packages' tests. */
const RUN_TIMEOUT = 120_000;

/** Runs `simulate` to the end; returns its exit code, its report and its parsed result line. */
async function simulate(env: Record<string, string>, args: readonly string[] = ARGS) {
  const run = runScript('src/simulate.ts', args, envWithoutRedis(env));
  const code = await run.exited;
  const output = run.output();
  const line = output.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  const result =
    line === undefined ? undefined : (JSON.parse(line.slice(RESULT_MARKER.length)) as SimulationResult);
  return { code, output, result };
}

function expectClean(run: Awaited<ReturnType<typeof simulate>>): void {
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
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each(['ioredis', 'node-redis'])(
    '4 workers, 300 orders on the %s driver: no duplicate, no negative stock, the stock ledger balances',
    async (client) => {
      const run = await simulate({ REDIS_URL: server.url, REDIS_CLIENT: client });
      console.log(run.output);
      expectClean(run);
      // Not on a terminal: plain progress lines (no bar drawn in place), ending with all orders done.
      expect(run.output).toMatch(/^simulate progress: 300\/300 orders \(100%\), \d+:\d\d elapsed, done/m);
      expect(run.output).not.toContain('\r');
      // The run cleaned up after itself.
      expect(await server.command(['DBSIZE'])).toBe(0);
    },
    RUN_TIMEOUT,
  );
});

describe('simulate on a 3-primary/3-replica Redis Cluster', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it.each(['ioredis', 'node-redis'])(
    '4 workers, 300 orders on the %s driver: no duplicate, no negative stock, the stock ledger balances',
    async (client) => {
      const nodes = cluster.startupNodes.map((node) => `${node.host}:${node.port}`).join(',');
      const run = await simulate({ REDIS_CLUSTER_NODES: nodes, REDIS_CLIENT: client });
      console.log(run.output);
      expectClean(run);
    },
    RUN_TIMEOUT,
  );
});

describe('simulate without Redis', () => {
  it('says that it needs REDIS_URL or REDIS_CLUSTER_NODES, and exits 2', async () => {
    const run = await simulate({});
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/needs a Redis .*: set REDIS_URL/);
    expect(run.output).toMatch(/REDIS_CLUSTER_NODES/);
  });
});
