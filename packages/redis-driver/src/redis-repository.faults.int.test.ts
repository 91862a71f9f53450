import { isCacheError } from '@forno/core';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisRepository } from './redis-repository.js';

const COMMAND_TIMEOUT_MS = 500;
const MARGIN_MS = 250;

let server: RedisServer;
let repo: RedisRepository;
let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

interface Settled {
  operation: string;
  ms: number;
  ok: boolean;
  code?: string;
}

/** One of each kind of operation: reads, writes, multi-key, scripts, scans. */
const OPERATIONS: Record<string, (r: RedisRepository, i: number) => Promise<unknown>> = {
  get: (r, i) => r.get(`k:${i}`),
  set: (r, i) => r.set(`k:${i}`, { i }, { ttl: '1m' }),
  incrby: (r) => r.incrby('counter'),
  mget: (r, i) => r.mget([`k:${i}`, `k:${i + 1}`]),
  hset: (r, i) => r.hset('session', `f${i}`, i),
  hgetall: (r) => r.hgetall('session'),
  lpush: (r, i) => r.lpush('list', i),
  zadd: (r, i) => r.zadd('board', { member: `m${i}`, score: i }),
  zrevrange: (r) => r.zrevrange('board', 0, 9, { withScores: true }),
  sinter: (r) => r.sinter(['s1', 's2']),
  setIfAbsent: (r, i) => r.setIfAbsent(`lock:${i}`, 'token', '10s', { fencing: true }),
  compareAndDelete: (r, i) => r.compareAndDelete(`lock:${i}`, 'token'),
  deletePattern: (r) => r.deletePattern('nothing:*'),
  ping: (r) => r.ping(),
};

/** Runs every operation `rounds` times concurrently and records how each one settled, and when. */
async function runAll(rounds: number): Promise<Settled[]> {
  const runs: Array<Promise<Settled>> = [];
  for (let i = 0; i < rounds; i++) {
    for (const [operation, run] of Object.entries(OPERATIONS)) {
      const started = performance.now();
      runs.push(
        run(repo, i).then(
          () => ({ operation, ms: performance.now() - started, ok: true }),
          (error: unknown) => ({
            operation,
            ms: performance.now() - started,
            ok: false,
            ...(isCacheError(error) ? { code: error.code } : { code: `untyped: ${String(error)}` }),
          }),
        ),
      );
    }
  }
  return Promise.all(runs);
}

async function untilHealthy(timeoutMs = 15_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    try {
      await repo.set('probe', 1);
      return performance.now() - started;
    } catch {
      if (performance.now() - started > timeoutMs) throw new Error('repository did not recover');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function summarize(label: string, results: Settled[]): void {
  const slowest = Math.max(...results.map((r) => r.ms));
  const codes = new Map<string, number>();
  for (const r of results) codes.set(r.code ?? 'ok', (codes.get(r.code ?? 'ok') ?? 0) + 1);
  console.info(
    `[faults] ${label}: ${results.length} operations, slowest ${slowest.toFixed(0)} ms, outcomes ${JSON.stringify(Object.fromEntries(codes))}`,
  );
}

beforeAll(async () => {
  server = await startRedisServer();
  process.on('unhandledRejection', onUnhandled);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server?.stop();
});

beforeEach(async () => {
  unhandled = [];
  repo = new RedisRepository({
    port: server.port,
    keyPrefix: 'faults:',
    commandTimeout: COMMAND_TIMEOUT_MS,
    healthCheckInterval: false,
  });
  await repo.connect();
});

afterEach(async () => {
  if (server.paused) server.resume();
  await repo.disconnect();
});

describe('RedisRepository under real faults', () => {
  it('a frozen server (SIGSTOP): every operation fails typed within commandTimeout + 250 ms, then recovers', async () => {
    expect((await runAll(1)).every((r) => r.ok)).toBe(true);
    server.pause();
    const frozen = await runAll(5);
    server.resume();
    summarize('SIGSTOP', frozen);
    for (const result of frozen) {
      expect(result.ok, result.operation).toBe(false);
      expect(['E_CACHE_TIMEOUT', 'E_CACHE_UNAVAILABLE'], `${result.operation}: ${result.code}`).toContain(
        result.code,
      );
      expect(result.ms, result.operation).toBeLessThanOrEqual(COMMAND_TIMEOUT_MS + MARGIN_MS);
    }
    await untilHealthy();
    const after = await runAll(2);
    expect(after.filter((r) => !r.ok)).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('a killed server: operations fail fast and typed; after a restart on the same port they succeed again', async () => {
    await server.kill();
    const down = await runAll(5);
    summarize('killed', down);
    for (const result of down) {
      expect(result.ok, result.operation).toBe(false);
      expect(['E_CACHE_TIMEOUT', 'E_CACHE_UNAVAILABLE'], `${result.operation}: ${result.code}`).toContain(
        result.code,
      );
      expect(result.ms, result.operation).toBeLessThanOrEqual(COMMAND_TIMEOUT_MS + MARGIN_MS);
    }
    expect(repo.status).not.toBe('ready');
    await server.restart();
    const recoveredAfter = await untilHealthy();
    console.info(
      `[faults] restart: repository usable again ${recoveredAfter.toFixed(0)} ms after the server was back`,
    );
    const after = await runAll(2);
    expect(after.filter((r) => !r.ok)).toEqual([]);
    expect(repo.status).toBe('ready');
    expect(unhandled).toEqual([]);
  });

  it('a server killed while commands are in flight: every one settles with a typed error', async () => {
    // Frozen first, so that every command is written and unanswered when the server dies: none can
    // succeed, so the checks below cover all of them.
    await server.pause();
    const inFlight = runAll(20);
    await server.kill();
    const results = await inFlight;
    summarize('killed in flight', results);
    expect(results).toHaveLength(20 * Object.keys(OPERATIONS).length);
    for (const result of results) {
      expect(result.ok, result.operation).toBe(false);
      expect(['E_CACHE_TIMEOUT', 'E_CACHE_UNAVAILABLE'], `${result.operation}: ${result.code}`).toContain(
        result.code,
      );
      expect(result.ms, result.operation).toBeLessThanOrEqual(COMMAND_TIMEOUT_MS + MARGIN_MS);
    }
    await server.restart();
    await untilHealthy();
    expect(unhandled).toEqual([]);
  });

  it('connect() to a server that is down rejects fast with E_CACHE_UNAVAILABLE and keeps no handle open', async () => {
    await server.kill();
    const offline = new RedisRepository({
      port: server.port,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 1_000,
      healthCheckInterval: false,
    });
    const started = performance.now();
    await expect(offline.connect()).rejects.toMatchObject({ code: 'E_CACHE_UNAVAILABLE' });
    expect(performance.now() - started).toBeLessThan(1_000 + MARGIN_MS);
    await expect(offline.get('k')).rejects.toMatchObject({ code: 'E_CACHE_UNAVAILABLE' });
    await offline.disconnect();
    await server.restart();
    await untilHealthy();
  });
});
