import { describeValue, InvalidArgumentError } from '@forno/core';
import type { StaleReason } from '../cache-events.js';
import type { CacheRoot } from '../cache-root.js';
import { type CacheEntry, stateOf } from '../entry.js';
import { FactoryTimeoutError } from '../errors.js';
import { lockKey } from '../keys.js';
import { isOutage } from '../l2/l2-store.js';
import type { ResolvedEntryOptions } from '../options.js';
import type { HeldLock } from '../stampede-lock.js';
import { entryFromL2, newEntry } from './entries.js';
import type { BatchFactory } from './factory-context.js';
import { type Answer, Flight, type FlightKey } from './flight.js';
import { withHardTimeout } from './timeouts.js';

/** One key of a batch: its answer, settled once. */
class Pending {
  readonly at: FlightKey;
  readonly #root: CacheRoot;
  readonly answer: Promise<Answer>;
  fallback: CacheEntry | undefined;
  settle!: (answer: Answer, final?: boolean) => void;
  fail!: (error: unknown) => void;
  settled = false;

  constructor(root: CacheRoot, at: FlightKey) {
    this.#root = root;
    this.at = at;
    this.answer = new Promise<Answer>((resolve, reject) => {
      this.settle = (answer, final = true) => {
        if (final) this.leave();
        if (this.settled) return;
        this.settled = true;
        resolve(answer);
      };
      this.fail = (error) => {
        this.leave();
        if (this.settled) return;
        this.settled = true;
        reject(error);
      };
    });
    this.answer.catch(() => {});
  }

  /** Leaves `root.flights` (before any caller resumes: nobody may join a finished load). */
  leave(): void {
    if (this.#root.flights.get(this.at.entryKey) === this) this.#root.flights.delete(this.at.entryKey);
  }

  /** Answers with the stale value; `final: false` (soft timeout) while the factory goes on. */
  stale(reason: StaleReason, final = true): void {
    this.settle({ entry: this.fallback!, source: 'stale', reason }, final);
  }
}

/**
 * `getOrSetMany`'s load of the keys that L1 and flights in progress could not answer: one `MGET`,
 * then one factory call for every key still missing. Each key is registered as in flight, so a
 * concurrent `getOrSet` of it waits for this batch. With `stampede: 'distributed'`, the batch
 * takes the locks of its missing keys without waiting; keys locked by another process are loaded
 * as a single-key flight each (which waits for that process), with the batch factory called for
 * that key alone if it must.
 */
export async function loadBatch(
  root: CacheRoot,
  keys: readonly FlightKey[],
  factory: BatchFactory<unknown>,
  options: ResolvedEntryOptions,
): Promise<Map<string, Promise<Answer>>> {
  const batch = keys.map((at) => new Pending(root, at));
  for (const pending of batch) root.flights.set(pending.at.entryKey, pending);
  const answers = new Map(batch.map((pending) => [pending.at.entryKey, pending.answer]));
  void fly(root, batch, factory, options);
  return answers;
}

/** Runs the batch; its keys leave `root.flights` in the same step as their last answers settle. */
async function fly(
  root: CacheRoot,
  batch: Pending[],
  factory: BatchFactory<unknown>,
  options: ResolvedEntryOptions,
): Promise<void> {
  try {
    await run(root, batch, factory, options);
  } catch (error) {
    for (const pending of batch) pending.fail(error);
  } finally {
    for (const pending of batch) pending.leave();
  }
}

async function run(
  root: CacheRoot,
  batch: Pending[],
  factory: BatchFactory<unknown>,
  options: ResolvedEntryOptions,
): Promise<void> {
  let l2Down = await readL2(root, batch);
  let missing = batch.filter((pending) => !pending.settled);
  const now = root.now();
  for (const pending of missing) {
    if (pending.fallback !== undefined && root.backingOff(pending.at.entryKey, now)) pending.stale('backoff');
  }
  missing = missing.filter((pending) => !pending.settled);
  if (missing.length === 0) return;
  const locks: HeldLock[] = [];
  try {
    if (options.stampede === 'distributed' && root.lock !== undefined && !l2Down) {
      missing = await lockOrDelegate(root, missing, factory, options, locks);
      if (locks.length > 0) {
        // Another process may have written a key and released its lock between our read and our
        // lock: read again under the locks, as a single-key flight does, and run the factory only
        // for what is still missing.
        l2Down = await readL2(root, missing);
        missing = missing.filter((pending) => !pending.settled);
      }
    }
    if (missing.length > 0) await produce(root, missing, factory, options, l2Down);
  } finally {
    await Promise.all(locks.map((lock) => lock.release()));
  }
}

/** One `MGET` (plus tags); settles the fresh keys; returns whether L2 was down. */
async function readL2(root: CacheRoot, batch: Pending[]): Promise<boolean> {
  if (root.l2 === undefined) {
    for (const pending of batch)
      pending.fallback = root.fallbackL1(pending.at.namespace, pending.at.entryKey, root.now());
    return false;
  }
  const readings = batch.map((pending) => root.epochs.begin(pending.at.entryKey));
  try {
    const stored = await root.l2.readMany(batch.map((pending) => pending.at.entryKey));
    const entries = await Promise.all(
      stored.map((value, i) => (value === null ? null : entryFromL2(root, batch[i]!.at.namespace, value))),
    );
    const now = root.now();
    entries.forEach((entry, i) => {
      const pending = batch[i]!;
      if (entry === null) return;
      if (root.epochs.current(readings[i]!, entry.createdAt))
        root.fill(pending.at.namespace, pending.at.entryKey, entry);
      const state = stateOf(entry, now);
      if (state === 'fresh') pending.settle({ entry, source: 'l2' });
      else if (state === 'stale') pending.fallback = entry;
    });
    return false;
  } catch (error) {
    if (!isOutage(error)) throw error;
    root.l2Failed(batch[0]!.at.namespace, 'mget', error);
    const now = root.now();
    for (const pending of batch) {
      pending.fallback = root.fallbackL1(pending.at.namespace, pending.at.entryKey, now);
      if (pending.fallback !== undefined && stateOf(pending.fallback, now) === 'fresh')
        pending.stale('l2-unavailable');
    }
    return true;
  } finally {
    for (const reading of readings) root.epochs.end(reading);
  }
}

/** Takes the free locks; hands the keys another process is loading to single-key flights. */
async function lockOrDelegate(
  root: CacheRoot,
  missing: Pending[],
  factory: BatchFactory<unknown>,
  options: ResolvedEntryOptions,
  locks: HeldLock[],
): Promise<Pending[]> {
  const never = new AbortController().signal;
  const held = await Promise.all(
    missing.map((pending) =>
      root.lock!.acquire(lockKey(pending.at.namespace, pending.at.key), 0, never).catch((error: unknown) => {
        if (!isOutage(error)) throw error;
        return 'down' as const;
      }),
    ),
  );
  const ours: Pending[] = [];
  held.forEach((lock, i) => {
    const pending = missing[i]!;
    if (lock === null) {
      const single = (context: { signal: AbortSignal }) =>
        Promise.resolve(factory([pending.at.key], context)).then((values) =>
          valueFor(values, pending.at.key, 0),
        );
      const flight = new Flight(root, pending.at, single, options).start();
      flight.answer.then(pending.settle, pending.fail);
      return;
    }
    if (lock !== 'down') locks.push(lock);
    ours.push(pending);
  });
  return ours;
}

/** Runs the factory for `missing` and caches its values; falls back per key on failure. */
async function produce(
  root: CacheRoot,
  missing: Pending[],
  factory: BatchFactory<unknown>,
  options: ResolvedEntryOptions,
  l2Down: boolean,
): Promise<void> {
  const soft =
    missing.some((pending) => pending.fallback !== undefined) && options.timeoutMs > 0
      ? setTimeout(() => {
          for (const pending of missing)
            if (pending.fallback !== undefined) pending.stale('soft-timeout', false);
        }, options.timeoutMs)
      : undefined;
  const readings = missing.map((pending) => root.epochs.begin(pending.at.entryKey));
  const createdAt = root.stamper.next();
  const controller = new AbortController();
  const started = performance.now();
  const { namespace, key } = missing[0]!.at;
  const keys = missing.map((pending) => pending.at.key);
  let values: readonly unknown[] | ReadonlyMap<string, unknown>;
  try {
    values = await withHardTimeout(
      () => factory(keys, { signal: controller.signal }),
      options.hardTimeoutMs,
      controller,
    );
    root.events.factory(namespace, key, 'ok', performance.now() - started);
    if (!Array.isArray(values) && !(values instanceof Map)) {
      throw new InvalidArgumentError(
        'factory',
        `expected an array or a Map of values, got ${describeValue(values)}`,
      );
    }
    if (Array.isArray(values) && values.length !== keys.length) {
      throw new InvalidArgumentError('factory', `returned ${values.length} values for ${keys.length} keys`);
    }
  } catch (error) {
    clearTimeout(soft);
    for (const reading of readings) root.epochs.end(reading);
    if (!InvalidArgumentError.is(error)) {
      const result = FactoryTimeoutError.is(error) ? 'timeout' : 'error';
      root.events.factory(namespace, key, result, performance.now() - started, error);
    }
    const reason = FactoryTimeoutError.is(error) ? 'hard-timeout' : 'factory-error';
    for (const pending of missing) {
      if (pending.fallback !== undefined && stateOf(pending.fallback, root.now()) !== 'dead') {
        root.backOff(pending.at.entryKey, options.graceBackoffMs);
        pending.stale(reason);
      } else {
        pending.fail(error);
      }
    }
    return;
  }
  clearTimeout(soft);
  const writes: Promise<void>[] = [];
  missing.forEach((pending, i) => {
    const current = root.epochs.end(readings[i]!);
    let entry: CacheEntry;
    try {
      const value = valueFor(values, pending.at.key, i);
      entry = newEntry(root, value, createdAt, options);
      root.recovered(pending.at.entryKey);
      if (current) {
        root.fill(pending.at.namespace, pending.at.entryKey, entry);
        writes.push(
          root.write(pending.at.entryKey, value, entry).catch((error: unknown) => {
            root.l2Failed(pending.at.namespace, 'set', error);
          }),
        );
      }
    } catch (error) {
      pending.fail(error);
      return;
    }
    pending.settle({ entry, source: 'factory' });
  });
  const written = Promise.all(writes);
  if (!l2Down) await written;
}

/** The value of `key` (the `index`-th missing key) in what the factory returned. */
function valueFor(
  values: readonly unknown[] | ReadonlyMap<string, unknown>,
  key: string,
  index: number,
): unknown {
  const value = values instanceof Map ? values.get(key) : (values as readonly unknown[])[index];
  if (value === undefined) {
    throw new InvalidArgumentError(
      'factory',
      `returned no value (undefined) for key ${describeValue(key)}: return null to cache an absence`,
    );
  }
  return value;
}
