import { assertKey, InvalidConfigError, type LockBackend } from '@forno/core';
import {
  type ApplyDurability,
  assertRepository,
  type DistributedLockOptions,
  DURABILITY_OPTIONS,
  LockSource,
  type ResolvedLockOptions,
  resolveDurability,
  resolveLockOptions,
} from './distributed-lock.js';
import { QueuedLockStore, queueTtlOf } from './queued-lock-stores.js';

/** Options of {@link FairLock}: those of {@link DistributedLock} (fencing is always on). */
export type FairLockOptions = Omit<DistributedLockOptions, 'fencing'>;

/**
 * A strict-FIFO distributed mutex, like Redisson's `RFairLock`: waiters of every process are
 * served in the order they first asked, and a holder that asks again right after its release
 * queues behind them. The line lives in Redis beside the key (same hash slot, so it works on
 * Cluster); a waiter that gives up leaves it at once, and one that dies drops out once it has
 * not asked for a while (at most its lease), so it never blocks the line for long.
 *
 * ```ts
 * const oven = new FairLock(redis, 'oven:1', { timeout: '30s' });
 * await oven.run(async (signal, lock) => bake(pizza, { signal, fencingToken: lock.fencingToken }));
 * ```
 *
 * Handles are {@link Lock}s: fencing token, `signal`, `extend`, `release`, `await using`. Costs over
 * {@link DistributedLock}: the line's bookkeeping in each attempt, and fairness means the
 * releasing process cannot re-acquire ahead of others (lower throughput under contention).
 */
export class FairLock extends LockSource {
  constructor(repository: LockBackend, key: string, options: FairLockOptions = {}) {
    assertRepository(repository);
    assertKey(key);
    const { resolved, durable } = resolveQueuedOptions(options);
    const { leaseMs, retryDelayMs, retryJitterMs } = resolved;
    const queueTtlMs = queueTtlOf(leaseMs, retryDelayMs, retryJitterMs);
    super(durable(new QueuedLockStore(repository, key, 'fair', queueTtlMs), repository), resolved);
  }
}

/**
 * Validates the options of a `FairLock` or `ReadWriteLock` (those of `DistributedLock` but
 * `fencing`, which they always issue) and returns them resolved, with a function that applies
 * their `durability` to a store.
 */
export function resolveQueuedOptions(options: FairLockOptions): {
  resolved: ResolvedLockOptions;
  durable: ApplyDurability;
} {
  if (options !== null && typeof options === 'object' && 'fencing' in options) {
    throw new InvalidConfigError('options.fencing', 'this lock always issues fencing tokens');
  }
  const resolved = resolveLockOptions(options, DURABILITY_OPTIONS);
  return { resolved, durable: resolveDurability(options) };
}
