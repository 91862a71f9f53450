import { InvalidConfigError } from '@forno/core';
import {
  type ApplyDurability,
  type DistributedLockOptions,
  DURABILITY_OPTIONS,
  type ResolvedLockOptions,
  resolveDurability,
  resolveLockOptions,
} from './options.js';

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
