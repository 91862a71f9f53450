import { InvalidConfigError } from '@forno/core';
import { type DistributedLockOptions, type ResolvedLockOptions, resolveLockOptions } from './options.js';
import { type ApplyDurability, DURABILITY_OPTIONS, resolveDurability } from './replicated-store.js';

/**
 * Validates the options of a `FairLock` or `ReadWriteLock` (those of `DistributedLock` but
 * `fencing`, which they always issue) and returns them resolved, with a function that applies
 * their `durability` to a store.
 */
export function resolveQueuedOptions(options: Omit<DistributedLockOptions, 'fencing'>): {
  resolved: ResolvedLockOptions;
  durable: ApplyDurability;
} {
  if (options !== null && typeof options === 'object' && 'fencing' in options) {
    throw new InvalidConfigError('options.fencing', 'this lock always issues fencing tokens');
  }
  const resolved = resolveLockOptions(options, DURABILITY_OPTIONS);
  return { resolved, durable: resolveDurability(options) };
}
