import type { Duration } from '@forno/core';
import { describeValue, InvalidConfigError } from '@forno/core';
import { assertKnownOptions, durationOption, integerOption, numberOption } from './config.js';

/**
 * How much randomness spreads the retry delays of many clients, so they do not all hit a
 * recovering Redis at the same instant. The delay is `capped × (1 − fraction × random())`:
 * - `'none'` (0): exactly the exponential schedule;
 * - `'equal'` (0.5): between half and all of it — keeps a real pause while spreading;
 * - `'full'` (1): anywhere between 0 and all of it — spreads the most (AWS "full jitter");
 * - a number in [0, 1]: that fraction.
 *
 * Jitter only ever shortens a delay, so `maxRetryDelay` stays a hard upper bound.
 */
export type Jitter = 'none' | 'equal' | 'full' | number;

/** The backoff fields of the seed's `retry_policy`, shared by `RetryPolicy` and {@link backoffDelays}. */
export interface BackoffOptions {
  /** Retries after the first attempt (so at most `retries + 1` calls). Default 3. */
  readonly retries?: number | undefined;
  /** Delay before the first retry. Default `'100ms'`. */
  readonly retryDelay?: Duration | undefined;
  /** Each further delay is the previous one times this factor (>= 1). Default 2. */
  readonly backoffFactor?: number | undefined;
  /** Upper bound of any delay, jitter included; must be >= `retryDelay`. Default `'1s'`. */
  readonly maxRetryDelay?: Duration | undefined;
  /** Randomness applied to each delay. Default `'equal'`. */
  readonly jitter?: Jitter | undefined;
}

/** {@link BackoffOptions} with defaults applied and durations in milliseconds (internal). */
export interface ResolvedBackoff {
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly backoffFactor: number;
  readonly maxRetryDelayMs: number;
  readonly jitter: number;
}

const JITTER: Readonly<Record<string, number>> = { none: 0, equal: 0.5, full: 1 };

/** Validates {@link BackoffOptions} and applies defaults (internal). */
export function resolveBackoff(options: BackoffOptions | undefined, owner: string): ResolvedBackoff {
  const o = options ?? {};
  const retryDelayMs = durationOption(o.retryDelay, 'retryDelay', '100ms', owner);
  const maxRetryDelayMs = durationOption(o.maxRetryDelay, 'maxRetryDelay', '1s', owner);
  if (maxRetryDelayMs < retryDelayMs) {
    throw new InvalidConfigError(
      'options.maxRetryDelay',
      `${owner} needs maxRetryDelay (${maxRetryDelayMs}ms${o.maxRetryDelay === undefined ? ', the default' : ''}) >= retryDelay (${retryDelayMs}ms)`,
    );
  }
  return {
    retries: integerOption(o.retries, 'retries', 0, 3, owner),
    retryDelayMs,
    backoffFactor: numberOption(o.backoffFactor, 'backoffFactor', { min: 1 }, 2, owner),
    maxRetryDelayMs,
    jitter: jitterOption(o.jitter, owner),
  };
}

function jitterOption(jitter: unknown, owner: string): number {
  if (jitter === undefined) return JITTER.equal!;
  if (typeof jitter === 'string' && Object.hasOwn(JITTER, jitter)) return JITTER[jitter]!;
  if (typeof jitter === 'number' && jitter >= 0 && jitter <= 1) return jitter;
  throw new InvalidConfigError(
    'options.jitter',
    `${owner} needs 'none', 'equal', 'full' or a fraction in [0, 1], got ${describeValue(jitter)}`,
  );
}

/**
 * Delay in whole milliseconds before retry number `retry` (1-based) (internal; the formula is
 * documented on {@link backoffDelays}).
 */
export function backoffDelay(backoff: ResolvedBackoff, retry: number, random: () => number): number {
  const { retryDelayMs, backoffFactor, maxRetryDelayMs, jitter } = backoff;
  const exponential = retryDelayMs === 0 ? 0 : retryDelayMs * backoffFactor ** (retry - 1);
  const capped = Math.min(exponential, maxRetryDelayMs);
  if (jitter === 0) return Math.floor(capped);
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.floor(capped * (1 - jitter * unit));
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
 * `backoffDelays({ jitter: 'none' })` is `[100, 200, 400]`, the seed's `retry_policy`.
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
  'timers',
];
