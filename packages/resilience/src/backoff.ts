import { assertKnownOptions } from '@forno/core';
import {
  type BackoffOptions,
  backoffDelay,
  type Jitter,
  type ResolvedBackoff,
  resolveBackoff as resolveCoreBackoff,
} from '@forno/core/backend';

export { type BackoffOptions, backoffDelay, type Jitter, type ResolvedBackoff };

/** Validates {@link BackoffOptions} of `owner` and applies defaults (internal). */
export function resolveBackoff(options: BackoffOptions | undefined, owner: string): ResolvedBackoff {
  return resolveCoreBackoff(options, { owner, field: 'options' });
}

/**
 * The delays, in whole milliseconds, that a `RetryPolicy` with these options waits before each of
 * its `retries` retries. Delay `n` (1-based) is
 *
 * ```
 * floor(min(retryDelay × backoffFactor^(n−1), maxRetryDelay) × (1 − jitter × random()))
 * ```
 *
 * Pure for a pure `random`: pass a seeded generator to show or test an exact schedule.
 * `backoffDelays({ jitter: 'none' })` is `[100, 200, 400]`: the defaults, three retries doubling from 100 ms.
 *
 * Accepts a whole `RetryPolicyOptions` object too; non-backoff fields are ignored.
 */
export function backoffDelays(options?: BackoffOptions, random: () => number = Math.random): number[] {
  assertKnownOptions(options, RETRY_OPTION_KEYS, 'backoffDelays');
  const backoff = resolveBackoff(options, 'backoffDelays');
  return Array.from({ length: backoff.retries }, (_, i) => backoffDelay(backoff, i + 1, random));
}

/** Every option `RetryPolicy` accepts (internal). */
export const RETRY_OPTION_KEYS: readonly string[] = [
  'retries',
  'retryDelay',
  'backoffFactor',
  'maxRetryDelay',
  'jitter',
  'retryOn',
  'random',
  'clock',
];
