import { isCacheError } from '@forno/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ContractRepository } from '../contract/contract-context.js';
import { type RedisServer, startRedisServer } from '../servers/redis-server.js';

const COMMAND_TIMEOUT_MS = 500;
const MARGIN_MS = 250;

/** What {@link describeStandaloneFaultSuite} asks the backend under test for. */
export interface StandaloneFaultRepositoryOptions {
  /** Port of the suite's own redis-server on 127.0.0.1. */
  readonly port: number;
  readonly keyPrefix: string;
  /** Deadline of every operation: each must settle within it (plus 250 ms of scheduling slack). */
  readonly commandTimeoutMs: number;
  /** Deadline of `connect()` (default: the backend's). */
  readonly connectTimeoutMs?: number;
}

/** Options of {@link describeStandaloneFaultSuite}. */
export interface StandaloneFaultSuiteOptions {
  /** Creates a repository on the server, NOT connected yet (the suite calls `connect()`). */
  createRepository(
    options: StandaloneFaultRepositoryOptions,
  ): ContractRepository | Promise<ContractRepository>;
}

interface Settled {
  operation: string;
  ms: number;
  ok: boolean;
  code?: string;
}

/** One of each kind of operation: reads, writes, multi-key, scripts, scans. */
const OPERATIONS: Record<string, (r: ContractRepository, i: number) => Promise<unknown>> = {
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
async function runAll(repo: ContractRepository, rounds: number): Promise<Settled[]> {
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

async function untilHealthy(repo: ContractRepository, timeoutMs = 15_000): Promise<number> {
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

/**
 * Real faults on a standalone redis-server of the suite's own, for any backend: the server frozen
 * (SIGSTOP), killed, killed with commands in flight, and down at `connect()`. Every operation of
 * every kind (reads, writes, multi-key, scripts, scans) must settle with a typed error within
 * `commandTimeout` + 250 ms, the repository must recover by itself after a restart on the same
 * port, and no rejection may go unhandled. Then huge commands (100k keys, fields and members in
 * one call) must work without crashing the process.
 */
export function describeStandaloneFaultSuite(label: string, options: StandaloneFaultSuiteOptions): void {
  describe(`${label} under real faults`, () => {
    let server: RedisServer;
    let repo: ContractRepository;
    let unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);

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
      repo = await options.createRepository({
        port: server.port,
        keyPrefix: 'faults:',
        commandTimeoutMs: COMMAND_TIMEOUT_MS,
      });
      await repo.connect();
    });

    afterEach(async () => {
      if (server.paused) server.resume();
      await repo.disconnect();
    });

    it('a frozen server (SIGSTOP): every operation fails typed within commandTimeout + 250 ms, then recovers', async () => {
      expect((await runAll(repo, 1)).every((r) => r.ok)).toBe(true);
      server.pause();
      const frozen = await runAll(repo, 5);
      server.resume();
      summarize('SIGSTOP', frozen);
      for (const result of frozen) {
        expect(result.ok, result.operation).toBe(false);
        expect(['E_CACHE_TIMEOUT', 'E_CACHE_UNAVAILABLE'], `${result.operation}: ${result.code}`).toContain(
          result.code,
        );
        expect(result.ms, result.operation).toBeLessThanOrEqual(COMMAND_TIMEOUT_MS + MARGIN_MS);
      }
      await untilHealthy(repo);
      const after = await runAll(repo, 2);
      expect(after.filter((r) => !r.ok)).toEqual([]);
      expect(unhandled).toEqual([]);
    });

    it('a killed server: operations fail fast and typed; after a restart on the same port they succeed again', async () => {
      await server.kill();
      const down = await runAll(repo, 5);
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
      const recoveredAfter = await untilHealthy(repo);
      console.info(
        `[faults] restart: repository usable again ${recoveredAfter.toFixed(0)} ms after the server was back`,
      );
      const after = await runAll(repo, 2);
      expect(after.filter((r) => !r.ok)).toEqual([]);
      expect(repo.status).toBe('ready');
      expect(unhandled).toEqual([]);
    });

    it('a server killed while commands are in flight: every one settles with a typed error', async () => {
      // Frozen first, so that every command is written and unanswered when the server dies: none can
      // succeed, so the checks below cover all of them.
      await server.pause();
      const inFlight = runAll(repo, 20);
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
      await untilHealthy(repo);
      expect(unhandled).toEqual([]);
    });

    it('connect() to a server that is down rejects fast with E_CACHE_UNAVAILABLE and keeps no handle open', async () => {
      await server.kill();
      const offline = await options.createRepository({
        port: server.port,
        keyPrefix: 'offline:',
        commandTimeoutMs: COMMAND_TIMEOUT_MS,
        connectTimeoutMs: 1_000,
      });
      const started = performance.now();
      await expect(offline.connect()).rejects.toMatchObject({ code: 'E_CACHE_UNAVAILABLE' });
      expect(performance.now() - started).toBeLessThan(1_000 + MARGIN_MS);
      await expect(offline.get('k')).rejects.toMatchObject({ code: 'E_CACHE_UNAVAILABLE' });
      await offline.disconnect();
      await server.restart();
      await untilHealthy(repo);
    });

    it('huge commands (100k keys, fields and members in one call) work and do not crash the process', async () => {
      // Writing 100k entries legitimately takes longer than 500 ms on a busy machine.
      const huge = await options.createRepository({
        port: server.port,
        keyPrefix: 'huge:',
        commandTimeoutMs: 20_000,
      });
      await huge.connect();
      const size = 100_000;
      const keys = Array.from({ length: size }, (_, i) => `k${i}`);
      await huge.mset(keys.map((key, i) => [key, i] as const));
      const values = await huge.mget<number>(keys);
      expect(values.length).toBe(size);
      expect(values[size - 1]).toBe(size - 1);
      expect(await huge.hset('hash', Object.fromEntries(keys.map((key, i) => [key, i])))).toBe(size);
      expect(
        await huge.zadd(
          'board',
          keys.map((member, score) => ({ member, score })),
        ),
      ).toBe(size);
      expect(await huge.zcard('board')).toBe(size);
      expect(await huge.delete(keys)).toBe(size);
      expect(await huge.deletePattern('*')).toBe(2);
      await huge.disconnect();
      expect(unhandled).toEqual([]);
    });
  });
}
