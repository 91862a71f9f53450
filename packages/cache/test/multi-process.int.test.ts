import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StormResult } from './processes/protocol.js';
import { startWorkers, type Worker } from './processes/workers.js';
import { until } from './world.js';

/** 4 worker processes × 250 concurrent callers of one cold key, `stampede: 'distributed'`. */
async function storm(workers: readonly Worker[], key: string): Promise<StormResult[]> {
  return Promise.all(
    workers.map((worker) => worker.call<StormResult>({ type: 'storm', key, callers: 250, factoryMs: 300 })),
  );
}

function expectOneFactoryCall(results: readonly StormResult[]): void {
  expect(results.reduce((sum, result) => sum + result.factoryCalls, 0)).toBe(1);
  for (const result of results) expect(result.answered).toBe(250);
}

describe('HybridCache across 4 processes on a redis-server', () => {
  let server: RedisServer;
  let workers: Worker[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
    workers = await startWorkers(4, { port: server.port, keyPrefix: 'processes:' });
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await server?.stop();
  });

  it('a cold-key storm (4 processes × 250 callers) runs the factory once in total', async () => {
    expectOneFactoryCall(await storm(workers, 'margherita'));
    expectOneFactoryCall(await storm(workers, 'pepperoni'));
  });

  it('a write resolved in one process is what another process’s get returns next (bus propagation)', async () => {
    const [writer, reader] = workers as [Worker, Worker];
    await writer.call({ type: 'set', key: 'propagation', value: 0 });
    await until(async () => (await reader.call({ type: 'get', key: 'propagation' })) === 0);
    const latencies: number[] = [];
    for (let value = 1; value <= 20; value++) {
      const seen = reader.call<string>({ type: 'watch', key: 'propagation', value });
      const written = await writer.call<string>({ type: 'set', key: 'propagation', value });
      latencies.push(Math.max(0, Number(BigInt(await seen) - BigInt(written)) / 1e6));
    }
    latencies.sort((a, b) => a - b);
    console.info(
      `bus propagation over 20 writes: median ${latencies[10]!.toFixed(2)} ms, max ${latencies[19]!.toFixed(2)} ms`,
    );
    const stats = await reader.call<{ l1Hits: number }>({ type: 'stats' });
    expect(stats.l1Hits).toBeGreaterThan(0); // the reader was answering from L1 between writes
  });

  it('when a process’s subscription drops and comes back, the write it missed meanwhile is seen (L1 reset)', async () => {
    const [writer, reader] = workers as [Worker, Worker];
    await writer.call({ type: 'set', key: 'dropped', value: 1 });
    await until(async () => (await reader.call({ type: 'get', key: 'dropped' })) === 1);
    const before = await reader.call<{ bus: { resets: number } }>({ type: 'stats' });
    await server.command(['CLIENT', 'KILL', 'TYPE', 'pubsub']); // every subscriber connection
    await writer.call({ type: 'set', key: 'dropped', value: 2 }); // published while nobody listens
    await until(async () => (await reader.call({ type: 'get', key: 'dropped' })) === 2);
    await until(
      async () =>
        (await reader.call<{ bus: { resets: number } }>({ type: 'stats' })).bus.resets > before.bus.resets,
    );
  });
});

describe('HybridCache across 4 processes on a 3-primary/3-replica Redis Cluster', () => {
  let cluster: RedisCluster;
  let workers: Worker[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
    workers = await startWorkers(4, { nodes: cluster.startupNodes, keyPrefix: 'processes:' });
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await cluster?.stop();
  });

  it('a cold-key storm (4 processes × 250 callers) runs the factory once in total', async () => {
    expectOneFactoryCall(await storm(workers, 'margherita'));
    expectOneFactoryCall(await storm(workers, 'quattro_stagioni'));
  });
});
