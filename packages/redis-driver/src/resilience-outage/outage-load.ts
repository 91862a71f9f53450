/**
 * Test-only: a steady, seeded load of mixed reads and writes through a `ResilientCacheRepository`,
 * recording the latency and outcome of every operation (used by the outage tests).
 */
import { type CircuitState, isCacheError } from '@forno/core';
import type { ResilientCacheRepository } from '@forno/resilience';
import { seededRandom } from '@forno/testing';

/** How one operation ended. */
export type OpOutcome =
  /** A read answered by Redis, or a write Redis acknowledged. */
  | 'redis'
  /** A read answered from the fallback mirror. */
  | 'fallback'
  /** Rejected with a Forno error: its code. */
  | `E_${string}`
  /** Rejected with something else: a bug. */
  | 'untyped';

/** One operation of the load. */
export interface OpRecord {
  readonly kind: 'read' | 'write';
  readonly operation: string;
  /** Milliseconds since the load started. */
  readonly startedAt: number;
  /** The circuit's state when the operation started. */
  readonly circuit: CircuitState;
  durationMs: number;
  outcome: OpOutcome | 'pending';
}

/** Keys the load reads; they are never written during the load, so the mirror always has them. */
export const MENU_KEYS = Array.from({ length: 20 }, (_, i) => `menu:${i}`);
/** Fields of the `menu:index` hash the load reads. */
export const MENU_FIELDS = Array.from({ length: 10 }, (_, i) => `f${i}`);

/** Writes the menu and reads every key once, so the fallback mirror holds them all. */
export async function warmUp(repo: ResilientCacheRepository): Promise<void> {
  await repo.mset(MENU_KEYS.map((key, i) => [key, { id: key, name: `Pizza ${i}`, price: 8 + i }] as const));
  await repo.hset('menu:index', Object.fromEntries(MENU_FIELDS.map((f, i) => [f, MENU_KEYS[i]])));
  for (const key of MENU_KEYS) await repo.get(key);
  for (const field of MENU_FIELDS) await repo.hget('menu:index', field);
  await repo.hgetall('menu:index');
}

/**
 * Issues `ratePerSecond` operations per second on a 5 ms tick (catching up after a stalled
 * event loop, at most 50 per tick), 60% reads and 40% writes, from a seeded sequence.
 */
export class OutageLoad {
  readonly records: OpRecord[] = [];
  readonly #repo: ResilientCacheRepository;
  readonly #rate: number;
  readonly #random: () => number;
  readonly #inFlight = new Set<Promise<void>>();
  #startedAt = 0;
  #issued = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(repo: ResilientCacheRepository, options: { ratePerSecond: number; seed: number }) {
    this.#repo = repo;
    this.#rate = options.ratePerSecond;
    this.#random = seededRandom(options.seed);
  }

  /** Milliseconds since `start()`. */
  now(): number {
    return performance.now() - this.#startedAt;
  }

  /** Operations not settled yet. */
  get pending(): number {
    return this.#inFlight.size;
  }

  start(): void {
    this.#startedAt = performance.now();
    this.#timer = setInterval(() => this.#tick(), 5);
  }

  /** Stops issuing and waits for every operation to settle (or `graceMs` to pass). */
  async stop(graceMs: number): Promise<void> {
    clearInterval(this.#timer);
    const deadline = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.#inFlight]), deadline]);
  }

  #tick(): void {
    const due = Math.floor((this.now() * this.#rate) / 1000) - this.#issued;
    for (let i = 0; i < Math.min(due, 50); i++) this.#issue();
    if (due > 50) this.#issued += due - 50; // skipped, not queued: the load stays steady
  }

  #issue(): void {
    const n = this.#issued++;
    const roll = this.#random();
    const pick = <T>(list: readonly T[]) => list[Math.floor(this.#random() * list.length)]!;
    const repo = this.#repo;
    let kind: OpRecord['kind'] = 'read';
    let operation: string;
    let run: () => Promise<OpOutcome>;
    const read = (fn: () => Promise<unknown>) => async (): Promise<OpOutcome> =>
      (await repo.withSource(fn)).source;
    const write = (fn: () => Promise<unknown>) => async (): Promise<OpOutcome> => {
      await fn();
      return 'redis';
    };
    if (roll < 0.35) {
      [operation, run] = ['get', read(() => repo.get(pick(MENU_KEYS)))];
    } else if (roll < 0.45) {
      [operation, run] = ['mget', read(() => repo.mget([pick(MENU_KEYS), pick(MENU_KEYS)]))];
    } else if (roll < 0.55) {
      [operation, run] = ['hget', read(() => repo.hget('menu:index', pick(MENU_FIELDS)))];
    } else if (roll < 0.6) {
      [operation, run] = ['hgetall', read(() => repo.hgetall('menu:index'))];
    } else {
      kind = 'write';
      if (roll < 0.75) {
        [operation, run] = [
          'set',
          write(() => repo.set(`order:${n % 200}`, { n, at: Date.now() }, { ttl: '1m' })),
        ];
      } else if (roll < 0.85) {
        [operation, run] = ['hset', write(() => repo.hset(`cart:${n % 50}`, { items: n }))];
      } else if (roll < 0.95) {
        [operation, run] = ['incrby', write(() => repo.incrby('stats:orders'))];
      } else {
        [operation, run] = ['delete', write(() => repo.delete(`order:${(n + 100) % 200}`))];
      }
    }
    const record: OpRecord = {
      kind,
      operation,
      startedAt: this.now(),
      circuit: repo.breaker?.state ?? 'closed',
      durationMs: Number.NaN,
      outcome: 'pending',
    };
    this.records.push(record);
    const started = performance.now();
    const settled = run().then(
      (outcome) => {
        record.outcome = outcome;
      },
      (error: unknown) => {
        record.outcome = isCacheError(error) ? (error.code as OpOutcome) : 'untyped';
      },
    );
    const done = settled.finally(() => {
      record.durationMs = performance.now() - started;
      this.#inFlight.delete(done);
    });
    this.#inFlight.add(done);
  }
}
