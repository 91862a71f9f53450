/**
 * Lock benchmark: Forno's DistributedLock (and FairLock, and a semaphore of one permit) against
 * redis-semaphore's Mutex (and Semaphore), @sesamecare-oss/redlock
 * and the raw floor (`SET NX PX` + a compare-and-delete script), on one redis-server started for
 * the run. Uncontended, a second floor also issues a fencing token (one script: `SET NX PX`, then
 * `INCR` a counter), the least a lock that fences in its acquisition can send. Contenders run in
 * alternating rounds in one process, so the ratios compare like with like.
 *
 *   pnpm --filter @forno/lock build   (and its dependencies)
 *   cd benchmarks && npx tsx src/lock.ts [--quick]
 *
 * - Uncontended: one caller, acquire + release of one key in a loop (ops/s, median of rounds).
 * - Contended: 8 workers loop acquire → hold 1 ms → release on one key, once sharing one
 *   connection (one process) and once with a connection each (as 8 processes would have).
 *   Handoff latency is the time from the holder's release call to the next acquisition, by anyone
 *   and by another worker (a waiter actually served); fairness is Jain's index over per-worker
 *   acquisitions (1 = perfectly even) and the least/most any worker got, relative to an even share.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { DistributedLock, DistributedSemaphore, FairLock } from '@forno/lock';
import { NodeRedisRepository } from '@forno/node-redis-driver';
import { RedisRepository } from '@forno/redis-driver';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { Redlock } from '@sesamecare-oss/redlock';
import { Redis } from 'ioredis';
import { Mutex, Semaphore } from 'redis-semaphore';

/** One contender's lock, as the benchmark drives it. */
export interface Contender {
  readonly name: string;
  /** Acquires (waiting as the library does) and returns the release function. */
  acquire(): Promise<() => Promise<unknown>>;
}

/**
 * Connections a contender uses. With `shared`, every worker of a round borrows the same ones (one
 * process, many concurrent tasks); without, each worker opens its own (as separate processes do).
 */
export class Connections {
  readonly #server: RedisServer;
  readonly #shared: boolean;
  readonly #open: (() => Promise<unknown>)[] = [];
  #repo: Promise<RedisRepository> | undefined;
  #nodeRedisRepo: Promise<NodeRedisRepository> | undefined;
  #client: Promise<Redis> | undefined;

  constructor(server: RedisServer, shared: boolean) {
    this.#server = server;
    this.#shared = shared;
  }

  /** A `RedisRepository` on the driver's defaults (health checks aside). */
  repo(): Promise<RedisRepository> {
    const open = async () => {
      const repo = new RedisRepository({ port: this.#server.port, healthCheckInterval: false });
      await repo.connect();
      this.#open.push(() => repo.disconnect());
      return repo;
    };
    if (!this.#shared) return open();
    this.#repo ??= open();
    return this.#repo;
  }

  nodeRedisRepo(): Promise<NodeRedisRepository> {
    const open = async () => {
      const repo = new NodeRedisRepository({ port: this.#server.port, healthCheckInterval: false });
      await repo.connect();
      this.#open.push(() => repo.disconnect());
      return repo;
    };
    if (!this.#shared) return open();
    this.#nodeRedisRepo ??= open();
    return this.#nodeRedisRepo;
  }

  client(): Promise<Redis> {
    const open = async () => {
      const client = new Redis({ port: this.#server.port, lazyConnect: true, maxRetriesPerRequest: 1 });
      await client.connect();
      this.#open.push(() => client.quit());
      return client;
    };
    if (!this.#shared) return open();
    this.#client ??= open();
    return this.#client;
  }

  async close(): Promise<void> {
    await Promise.all(this.#open.map((close) => close()));
  }
}

export type ContenderFactory = (connections: Connections, key: string) => Promise<Contender>;

const LEASE_MS = 30_000;

const COMPARE_AND_DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * The least an acquisition that hands out a fencing token can send: one script that sets the key
 * if absent and increments a counter beside it (a counter that never expires: nothing more).
 */
const FENCED_SET_NX = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return redis.call('INCR', KEYS[2]) end return false`;

const RAW_FLOOR = 'raw SET NX PX + CAD';
const RAW_FENCED_FLOOR = 'raw fenced floor: script SET NX PX + INCR, CAD';

/**
 * Forno's `DistributedLock` on the ioredis driver's defaults; with `fencing: false` it shows what
 * the fencing token costs (a counter beside the key, written in the acquisition script).
 */
const forno =
  (fencing: boolean): ContenderFactory =>
  async (connections, key) => {
    const repo = await connections.repo();
    const mutex = new DistributedLock(repo, key, { timeout: LEASE_MS, waitTimeout: '60s', fencing });
    return {
      name: fencing ? 'forno (driver defaults)' : 'forno (fencing: false)',
      async acquire() {
        const lock = await mutex.acquire();
        return () => lock.release();
      },
    };
  };

/** The contenders; the first is Forno as users get it (the driver's default options). */
export const factories: Record<string, ContenderFactory> = {
  forno: forno(true),
  'forno-no-fencing': forno(false),

  async 'forno-node-redis'(connections, key) {
    const repo = await connections.nodeRedisRepo();
    const mutex = new DistributedLock(repo, key, { timeout: LEASE_MS, waitTimeout: '60s' });
    return {
      name: 'forno on node-redis (NodeRedisRepository)',
      async acquire() {
        const lock = await mutex.acquire();
        return () => lock.release();
      },
    };
  },

  async 'forno-fair'(connections, key) {
    const repo = await connections.repo();
    const mutex = new FairLock(repo, key, { timeout: LEASE_MS, waitTimeout: '60s' });
    return {
      name: 'forno FairLock (strict FIFO)',
      async acquire() {
        const lock = await mutex.acquire();
        return () => lock.release();
      },
    };
  },

  async 'redis-semaphore'(connections, key) {
    const client = await connections.client();
    const mutex = new Mutex(client, key, { lockTimeout: LEASE_MS, acquireTimeout: 60_000 });
    return {
      name: 'redis-semaphore Mutex',
      async acquire() {
        await mutex.acquire();
        return () => mutex.release();
      },
    };
  },

  async 'forno-semaphore'(connections, key) {
    const repo = await connections.repo();
    // One permit, so the contended figures mean the same as a mutex's.
    const semaphore = new DistributedSemaphore(repo, key, {
      limit: 1,
      timeout: LEASE_MS,
      waitTimeout: '60s',
    });
    return {
      name: 'forno DistributedSemaphore (limit 1)',
      async acquire() {
        const permit = await semaphore.acquire();
        return () => permit.release();
      },
    };
  },

  async 'redis-semaphore-semaphore'(connections, key) {
    const client = await connections.client();
    const semaphore = new Semaphore(client, key, 1, { lockTimeout: LEASE_MS, acquireTimeout: 60_000 });
    return {
      name: 'redis-semaphore Semaphore (limit 1)',
      async acquire() {
        await semaphore.acquire();
        return () => semaphore.release();
      },
    };
  },

  async redlock(connections, key) {
    const client = await connections.client();
    // Its defaults are retryDelay 200 ms ± 200 ms and 10 tries; here it polls like redis-semaphore (10 ms).
    const redlock = new Redlock([client], { retryCount: -1, retryDelay: 10, retryJitter: 5 });
    return {
      name: '@sesamecare-oss/redlock',
      async acquire() {
        const lock = await redlock.acquire([key], LEASE_MS);
        return () => lock.release();
      },
    };
  },

  async raw(connections, key) {
    const client = await connections.client();
    if (!('benchCad' in client))
      client.defineCommand('benchCad', { lua: COMPARE_AND_DELETE, numberOfKeys: 1 });
    const cad = client as unknown as { benchCad(key: string, token: string): Promise<number> };
    return {
      name: RAW_FLOOR,
      async acquire() {
        const token = randomUUID();
        // Waiting, when contended, is 10 ms polling.
        while ((await client.set(key, token, 'PX', LEASE_MS, 'NX')) === null) await sleep(10);
        return () => cad.benchCad(key, token);
      },
    };
  },

  async 'raw-fenced'(connections, key) {
    const client = await connections.client();
    if (!('benchFencedSet' in client)) {
      client.defineCommand('benchFencedSet', { lua: FENCED_SET_NX, numberOfKeys: 2 });
      client.defineCommand('benchCad', { lua: COMPARE_AND_DELETE, numberOfKeys: 1 });
    }
    const commands = client as unknown as {
      benchFencedSet(key: string, fence: string, token: string, ms: number): Promise<number | null>;
      benchCad(key: string, token: string): Promise<number>;
    };
    return {
      name: RAW_FENCED_FLOOR,
      async acquire() {
        const token = randomUUID();
        while ((await commands.benchFencedSet(key, `${key}:fence`, token, LEASE_MS)) === null)
          await sleep(10);
        return () => commands.benchCad(key, token);
      },
    };
  },
};

/** Contenders measured only uncontended: a variant of Forno, and the floor with a fencing token. */
const UNCONTENDED_ONLY = new Set(['forno-no-fencing', 'raw-fenced']);

/** One line of the uncontended table. */
export interface UncontendedRow {
  readonly contender: string;
  readonly opsPerSecond: number;
  /** Throughput relative to the raw floor (1 = as fast). */
  readonly vsRaw: number;
  /** Throughput relative to the raw fenced floor, which also issues a fencing token (1 = as fast). */
  readonly vsRawFenced: number;
}

/** One line of a contended table. */
export interface ContendedRow {
  readonly contender: string;
  readonly acquisitionsPerSecond: number;
  readonly handoffP50Ms: number;
  readonly handoffP99Ms: number;
  /** Handoffs where another worker got the lock (a waiter was served), p50 and p99. */
  readonly toOtherP50Ms: number;
  readonly toOtherP99Ms: number;
  /** Jain's fairness index over per-worker acquisitions (1 = perfectly even, 1/8 = one worker got all). */
  readonly fairness: number;
  /** Least and most acquisitions of any worker, relative to an even share. */
  readonly minShare: number;
  readonly maxShare: number;
}

/** Everything one run measured. */
export interface LockBenchmarkResult {
  readonly uncontended: UncontendedRow[];
  /** 8 workers sharing one connection (one process). */
  readonly contendedShared: ContendedRow[];
  /** 8 workers with a connection each (like 8 processes). */
  readonly contendedSeparate: ContendedRow[];
}

/** Runs every benchmark; `quick` shortens them (CI smoke runs). */
export async function runLockBenchmark({ quick }: { quick: boolean }): Promise<LockBenchmarkResult> {
  const server = await startRedisServer({ args: ['--save', '', '--appendonly', 'no'] });
  try {
    const uncontended = await benchUncontended(server, quick ? 6 : 30, quick ? 150 : 300);
    const contendedShared = await benchContended(server, true, quick ? 1 : 3, quick ? 800 : 2_000);
    const contendedSeparate = await benchContended(server, false, quick ? 1 : 3, quick ? 800 : 2_000);
    return { uncontended, contendedShared, contendedSeparate };
  } finally {
    await server.stop();
  }
}

async function benchUncontended(
  server: RedisServer,
  rounds: number,
  roundMs: number,
): Promise<UncontendedRow[]> {
  const connections = new Connections(server, false);
  const names = Object.keys(factories);
  const contenders = await Promise.all(
    names.map((name) => factories[name]!(connections, `bench:solo:${name}`)),
  );
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  try {
    for (const contender of contenders) await loopFor(contender, 300); // warm up (scripts loaded, JIT)
    for (let round = 0; round < rounds; round++) {
      // Rotate the order every round so no contender always runs first or last.
      for (let i = 0; i < contenders.length; i++) {
        const contender = contenders[(i + round) % contenders.length]!;
        samples.get(contender.name)!.push(await loopFor(contender, roundMs));
      }
    }
  } finally {
    await connections.close();
  }
  const raw = median(samples.get(RAW_FLOOR)!);
  const rawFenced = median(samples.get(RAW_FENCED_FLOOR)!);
  return contenders.map((c) => {
    const ops = median(samples.get(c.name)!);
    return { contender: c.name, opsPerSecond: ops, vsRaw: ops / raw, vsRawFenced: ops / rawFenced };
  });
}

/** Sequential acquire + release for `ms`; returns ops per second. */
async function loopFor(contender: Contender, ms: number): Promise<number> {
  let ops = 0;
  const started = performance.now();
  const until = started + ms;
  while (performance.now() < until) {
    const release = await contender.acquire();
    await release();
    ops++;
  }
  return (ops * 1_000) / (performance.now() - started);
}

const WORKERS = 8;
const HOLD_MS = 1;

async function benchContended(
  server: RedisServer,
  shared: boolean,
  rounds: number,
  roundMs: number,
): Promise<ContendedRow[]> {
  const names = Object.keys(factories).filter((name) => !UNCONTENDED_ONLY.has(name));
  const results = new Map<string, { handoffs: number[]; toOther: number[]; counts: number[]; ms: number }>();
  const labels = new Map<string, string>();
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      const key = `bench:contended:${shared}:${name}:${round}`;
      const connections = new Connections(server, shared);
      const entry = results.get(name) ?? {
        handoffs: [],
        toOther: [],
        counts: Array.from({ length: WORKERS }, () => 0),
        ms: 0,
      };
      results.set(name, entry);
      try {
        const workers = await Promise.all(
          Array.from({ length: WORKERS }, () => factories[name]!(connections, key)),
        );
        labels.set(name, workers[0]!.name);
        let releasedAt: number | undefined;
        let lastHolder = -1;
        let stop = false;
        const started = performance.now();
        const timer = setTimeout(() => (stop = true), roundMs);
        await Promise.all(
          workers.map(async (worker, w) => {
            while (!stop) {
              const release = await worker.acquire();
              if (releasedAt !== undefined) {
                const handoff = performance.now() - releasedAt;
                entry.handoffs.push(handoff);
                if (w !== lastHolder) entry.toOther.push(handoff);
              }
              lastHolder = w;
              entry.counts[w]!++;
              await sleep(HOLD_MS);
              releasedAt = performance.now();
              await release();
            }
          }),
        );
        clearTimeout(timer);
        entry.ms += performance.now() - started;
      } finally {
        await connections.close();
      }
    }
  }
  return names.map((name) => contendedRow(labels.get(name)!, results.get(name)!));
}

/** What a contended run recorded: handoff times (ms), per-worker acquisitions, and its length. */
export interface ContendedSamples {
  readonly handoffs: number[];
  /** Handoffs to a worker other than the last holder. */
  readonly toOther: number[];
  readonly counts: number[];
  readonly ms: number;
}

/** Summarises one contender's contended run as a table row. */
export function contendedRow(contender: string, samples: ContendedSamples): ContendedRow {
  const { handoffs, toOther, counts, ms } = samples;
  const sorted = [...handoffs].sort((a, b) => a - b);
  const sortedOther = [...toOther].sort((a, b) => a - b);
  const sum = counts.reduce((a, b) => a + b, 0);
  const squares = counts.reduce((a, b) => a + b * b, 0);
  const even = sum / counts.length;
  return {
    contender,
    acquisitionsPerSecond: (sum * 1_000) / ms,
    handoffP50Ms: percentile(sorted, 0.5),
    handoffP99Ms: percentile(sorted, 0.99),
    toOtherP50Ms: percentile(sortedOther, 0.5),
    toOtherP99Ms: percentile(sortedOther, 0.99),
    fairness: (sum * sum) / (counts.length * squares),
    minShare: Math.min(...counts) / even,
    maxShare: Math.max(...counts) / even,
  };
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

export function contendedTable(title: string, rows: readonly ContendedRow[]): string[] {
  return [
    title,
    '',
    '| contender | acquisitions/s | handoff p50 / p99 | to another worker p50 / p99 | fairness (Jain) | least / most vs even share |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.contender} | ${Math.round(r.acquisitionsPerSecond)} | ${ms(r.handoffP50Ms)} / ${ms(r.handoffP99Ms)} | ${ms(r.toOtherP50Ms)} / ${ms(r.toOtherP99Ms)} | ${r.fairness.toFixed(3)} | ${r.minShare.toFixed(2)} / ${r.maxShare.toFixed(2)} |`,
    ),
  ];
}

/** Formats the results as Markdown tables. */
export function formatLockTables(result: LockBenchmarkResult): string {
  return [
    'Uncontended acquire + release (one caller, one key; median of alternating rounds)',
    '',
    '| contender | ops/s | vs raw floor | vs raw fenced floor |',
    '| --- | ---: | ---: | ---: |',
    ...result.uncontended.map(
      (r) =>
        `| ${r.contender} | ${Math.round(r.opsPerSecond)} | ${r.vsRaw.toFixed(2)}× | ${r.vsRawFenced.toFixed(2)}× |`,
    ),
    '',
    ...contendedTable(
      `Contended, one process: ${WORKERS} workers share one connection, one key, hold ${HOLD_MS} ms (handoff = release call → next acquisition)`,
      result.contendedShared,
    ),
    '',
    ...contendedTable(
      `Contended, like ${WORKERS} processes: a connection per worker, one key, hold ${HOLD_MS} ms`,
      result.contendedSeparate,
    ),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const started = performance.now();
  const result = await runLockBenchmark({ quick });
  console.log(formatLockTables(result));
  console.log(
    `\nNode.js ${process.version}, ${quick ? 'quick' : 'full'} run in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
