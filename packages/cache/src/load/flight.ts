import { InvalidArgumentError } from '@forno/core';
import type { StaleReason } from '../cache-events.js';
import type { CacheRoot } from '../cache-root.js';
import { type CacheEntry, stateOf } from '../entry.js';
import { FactoryTimeoutError } from '../errors.js';
import { lockKey } from '../keys.js';
import { handOut } from '../l1/handout.js';
import { isOutage } from '../l2/l2-store.js';
import { durationOf, type ResolvedEntryOptions, tagsOf } from '../options.js';
import { newEntry, readEntry } from './entries.js';
import type { Factory } from './factory-context.js';
import { withHardTimeout } from './timeouts.js';

/** How a flight answered: from L1, L2, its factory, or with a stale value. */
export interface Answer {
  readonly entry: CacheEntry;
  readonly source: 'l1' | 'l2' | 'factory' | 'stale';
  readonly reason?: StaleReason;
}

/** A load in progress that callers of the same key wait for. */
export interface InFlight {
  readonly answer: Promise<Answer>;
}

/** The key a flight is for. */
export interface FlightKey {
  readonly namespace: string;
  /** The key as the caller gave it. */
  readonly key: string;
  /** The repository key of the entry. */
  readonly entryKey: string;
}

/**
 * One load of one key in one process: every concurrent `getOrSet` of the key awaits the same
 * flight (single-flight), and its factory runs at most once. It reads L2; on a miss or a stale
 * value it produces a fresh one (under the stampede lock with `stampede: 'distributed'`), racing
 * the soft timeout when a stale value could answer instead; a factory that fails within grace is
 * answered with the stale value and not retried for `graceBackoff`. The flight ends when its work
 * does — after the soft timeout answered, the factory goes on in the background and fills the
 * cache when it is done.
 *
 * A `refresh` flight (eager refresh) starts from a fresh value: nobody waits for it, it never
 * waits for another process's lock, and if it fails the current value simply stays.
 */
export class Flight implements InFlight {
  readonly answer: Promise<Answer>;
  readonly #root: CacheRoot;
  readonly #at: FlightKey;
  readonly #factory: Factory<unknown>;
  readonly #options: ResolvedEntryOptions;
  /** The fresh entry an eager refresh starts from. */
  readonly #current: CacheEntry | undefined;
  #settle!: (answer: Answer, final?: boolean) => void;
  #fail!: (error: unknown) => void;
  #settled = false;

  constructor(
    root: CacheRoot,
    at: FlightKey,
    factory: Factory<unknown>,
    options: ResolvedEntryOptions,
    current?: CacheEntry,
  ) {
    this.#root = root;
    this.#at = at;
    this.#factory = factory;
    this.#options = current === undefined ? options : { ...options, lockTimeoutMs: 0 };
    this.#current = current;
    this.answer = new Promise<Answer>((resolve, reject) => {
      this.#settle = (answer, final = true) => {
        // A final answer leaves root.flights before any caller resumes: a caller that comes
        // after must not join a finished flight. (An answer at the soft timeout is not final:
        // the factory goes on, and callers meanwhile get the same stale answer at once.)
        if (final) this.#leave();
        if (this.#settled) return;
        this.#settled = true;
        resolve(answer);
      };
      this.#fail = (error) => {
        this.#leave();
        if (this.#settled) return;
        this.#settled = true;
        reject(error);
      };
    });
    // Nobody may be waiting (an eager refresh): a failure must not become an unhandled rejection.
    this.answer.catch(() => {});
  }

  /** Starts the flight; it removes itself from `root.flights` when done. */
  start(): this {
    this.#root.flights.set(this.#at.entryKey, this);
    void this.#fly();
    return this;
  }

  /** Runs the flight; it leaves `root.flights` when its last answer settles, or when it ends. */
  async #fly(): Promise<void> {
    try {
      await this.#run();
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#leave();
    }
  }

  #leave(): void {
    const { flights } = this.#root;
    if (flights.get(this.#at.entryKey) === this) flights.delete(this.#at.entryKey);
  }

  async #run(): Promise<void> {
    const root = this.#root;
    const { namespace, entryKey } = this.#at;
    let fallback: CacheEntry | undefined;
    let l2Down = false;
    if (root.l2 === undefined) {
      fallback = root.fallbackL1(namespace, entryKey, root.now());
    } else {
      try {
        const found = await this.#readL2();
        if (found !== null) {
          const state = stateOf(found.entry, root.now());
          const current = this.#current;
          if (state === 'fresh' && (current === undefined || found.entry.createdAt > current.createdAt)) {
            this.#settle(found);
            return;
          }
          if (state !== 'dead') fallback = found.entry;
        }
      } catch (error) {
        if (!isOutage(error)) throw error;
        l2Down = true;
        root.l2Failed(namespace, 'get', error);
        fallback = root.fallbackL1(namespace, entryKey, root.now());
        if (
          fallback !== undefined &&
          stateOf(fallback, root.now()) === 'fresh' &&
          this.#current === undefined
        ) {
          // Fresh by its TTL, only unconfirmed: during an outage that is the best answer there is.
          this.#settle({ entry: fallback, source: 'stale', reason: 'l2-unavailable' });
          return;
        }
      }
    }
    fallback ??= this.#current;
    if (fallback !== undefined && root.backingOff(entryKey, root.now())) {
      this.#settle(this.#fallback(fallback, 'backoff'));
      return;
    }
    await this.#produceRacingSoftTimeout(fallback, l2Down);
  }

  async #produceRacingSoftTimeout(fallback: CacheEntry | undefined, l2Down: boolean): Promise<void> {
    const root = this.#root;
    const { timeoutMs, graceBackoffMs } = this.#options;
    const soft =
      fallback !== undefined && timeoutMs > 0
        ? setTimeout(() => this.#settle(this.#fallback(fallback, 'soft-timeout'), false), timeoutMs)
        : undefined;
    try {
      this.#settle(await this.#produce(fallback, l2Down));
    } catch (error) {
      if (fallback === undefined || stateOf(fallback, root.now()) === 'dead') throw error;
      root.backOff(this.#at.entryKey, graceBackoffMs);
      this.#settle(
        this.#fallback(fallback, FactoryTimeoutError.is(error) ? 'hard-timeout' : 'factory-error'),
      );
    } finally {
      clearTimeout(soft);
    }
  }

  /** A fresh value: from another process (under the lock) or from the factory. */
  async #produce(fallback: CacheEntry | undefined, l2Down: boolean): Promise<Answer> {
    if (this.#options.stampede === 'distributed' && this.#root.lock !== undefined && !l2Down) {
      return this.#produceUnderLock(fallback);
    }
    return this.#runFactory(fallback, l2Down);
  }

  /**
   * With `stampede: 'distributed'`: one process runs the factory while the others wait for its
   * lock. A waiter wakes when the bus says the key was written (or on the lock's release) and reads
   * L2; one that waits `lockTimeout` in vain serves its stale value, or runs the factory itself.
   */
  async #produceUnderLock(fallback: CacheEntry | undefined): Promise<Answer> {
    const root = this.#root;
    const { namespace, key, entryKey } = this.#at;
    const deadline = performance.now() + this.#options.lockTimeoutMs;
    for (;;) {
      const written = new AbortController();
      const unwatch = root.watch(entryKey, () => written.abort());
      let held: Awaited<ReturnType<NonNullable<CacheRoot['lock']>['acquire']>>;
      try {
        held = await root.lock!.acquire(
          lockKey(namespace, key),
          Math.max(0, deadline - performance.now()),
          written.signal,
        );
      } catch (error) {
        if (written.signal.aborted) {
          const found = await this.#readFreshL2();
          if (found !== undefined) return found;
          continue;
        }
        if (!isOutage(error)) throw error;
        root.l2Failed(namespace, 'lock', error);
        return this.#runFactory(fallback, true);
      } finally {
        unwatch();
      }
      if (held === null) {
        if (this.#current !== undefined) return { entry: this.#current, source: 'l1' };
        if (fallback !== undefined) return this.#fallback(fallback, 'lock-timeout');
        return this.#runFactory(fallback, false);
      }
      try {
        return (await this.#readFreshL2()) ?? (await this.#runFactory(fallback, false));
      } finally {
        await held.release();
      }
    }
  }

  /** Runs the factory and caches what it returns (unless the key was invalidated meanwhile). */
  async #runFactory(fallback: CacheEntry | undefined, l2Down: boolean): Promise<Answer> {
    const root = this.#root;
    const { namespace, key, entryKey } = this.#at;
    const options = this.#options;
    let { ttlMs, tags } = options;
    let skipped: { value: unknown } | undefined;
    const controller = new AbortController();
    const context = {
      signal: controller.signal,
      stale: fallback === undefined ? undefined : handOut(fallback.held, root.codec),
      setTtl: (ttl: unknown) => {
        ttlMs = durationOf(ttl, 'ttl', 'argument', true);
      },
      setTags: (value: unknown) => {
        tags = tagsOf(value, 'tags', 'argument');
      },
      skip: (value: unknown) => {
        skipped = { value };
        return value;
      },
    };
    const reading = root.epochs.begin(entryKey);
    const createdAt = root.stamper.next();
    const started = performance.now();
    let value: unknown;
    try {
      value = await withHardTimeout(() => this.#factory(context), options.hardTimeoutMs, controller);
    } catch (error) {
      root.epochs.end(reading);
      const result = FactoryTimeoutError.is(error) ? 'timeout' : 'error';
      root.events.factory(namespace, key, result, performance.now() - started, error);
      throw error;
    }
    root.events.factory(namespace, key, 'ok', performance.now() - started);
    let entry: CacheEntry;
    try {
      if (value === undefined) {
        throw new InvalidArgumentError(
          'factory',
          'returned undefined: return null to cache an absence, or skip(value) to answer without caching',
        );
      }
      entry = newEntry(root, value, createdAt, { ...options, ttlMs, tags });
    } finally {
      // Written, deleted or expired while the factory ran: answer, but cache nothing (it is older).
      if (!root.epochs.end(reading)) skipped ??= { value };
    }
    root.recovered(entryKey);
    if (skipped !== undefined && skipped.value === value) return { entry, source: 'factory' };
    root.fill(namespace, entryKey, entry);
    const write = root.write(entryKey, value, entry).catch((error: unknown) => {
      root.l2Failed(namespace, 'set', error);
    });
    if (!l2Down) await write;
    return { entry, source: 'factory' };
  }

  /** The entry in L2 (see `readEntry`). */
  async #readL2(): Promise<Answer | null> {
    const { namespace, entryKey } = this.#at;
    const entry = await readEntry(this.#root, namespace, entryKey, this.#options.graceMs > 0);
    return entry === null ? null : { entry, source: 'l2' };
  }

  /** A fresh entry in L2, or `undefined`. */
  async #readFreshL2(): Promise<Answer | undefined> {
    const found = await this.#readL2();
    return found !== null && stateOf(found.entry, this.#root.now()) === 'fresh' ? found : undefined;
  }

  #fallback(entry: CacheEntry, reason: StaleReason): Answer {
    // An eager refresh falls back to the fresh value it started from: nothing stale about it.
    return entry === this.#current ? { entry, source: 'l1' } : { entry, source: 'stale', reason };
  }
}
