import { type Duration, describeValue, parseDuration } from '../duration.js';
import { InvalidConfigError } from '../errors.js';

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

/**
 * A plain backoff description: the `retry_policy` fields shared by `RetryPolicy` of
 * `@forno/resilience` and the drivers' `retryPolicy` (reconnect pacing and retries of idempotent
 * commands), so a driver needs no policy object to know its delays.
 */
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

/** {@link BackoffOptions} validated, with defaults applied and durations in milliseconds. */
export interface ResolvedBackoff {
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly backoffFactor: number;
  readonly maxRetryDelayMs: number;
  /** The jitter as a fraction in [0, 1]. */
  readonly jitter: number;
}

/** Who validates a backoff, for error messages and `InvalidConfigError.argument`. */
export interface BackoffOwner {
  /** Names the owner in messages (`'RetryPolicy'`, `'retryPolicy'`). */
  readonly owner: string;
  /** Prefix of the `argument` of errors: `'options'` gives `options.retries`. */
  readonly field: string;
}

const JITTER: Readonly<Record<string, number>> = { none: 0, equal: 0.5, full: 1 };

/**
 * Validates {@link BackoffOptions} (not unknown fields: the caller knows which fields it accepts)
 * and applies defaults. Throws `InvalidConfigError` whose `argument` is `<field>.<name>`.
 */
export function resolveBackoff(options: BackoffOptions | undefined, who: BackoffOwner): ResolvedBackoff {
  const o = options ?? {};
  const retryDelayMs = durationField(o.retryDelay, 'retryDelay', '100ms', who);
  const maxRetryDelayMs = durationField(o.maxRetryDelay, 'maxRetryDelay', '1s', who);
  if (maxRetryDelayMs < retryDelayMs) {
    throw new InvalidConfigError(
      `${who.field}.maxRetryDelay`,
      `${who.owner} needs maxRetryDelay (${maxRetryDelayMs}ms${o.maxRetryDelay === undefined ? ', the default' : ''}) >= retryDelay (${retryDelayMs}ms)`,
    );
  }
  return {
    retries: retriesField(o.retries, who),
    retryDelayMs,
    backoffFactor: backoffFactorField(o.backoffFactor, who),
    maxRetryDelayMs,
    jitter: jitterField(o.jitter, who),
  };
}

/**
 * Delay in whole milliseconds before retry number `retry` (1-based):
 * `floor(min(retryDelay × backoffFactor^(retry−1), maxRetryDelay) × (1 − jitter × random()))`.
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

function durationField(value: unknown, name: string, fallback: Duration, who: BackoffOwner): number {
  try {
    return parseDuration((value ?? fallback) as Duration, name);
  } catch (cause) {
    throw new InvalidConfigError(
      `${who.field}.${name}`,
      `${who.owner} needs milliseconds or a string like '100ms' or '60s', got ${describeValue(value)}`,
      { cause },
    );
  }
}

function retriesField(value: unknown, who: BackoffOwner): number {
  if (value === undefined) return 3;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new InvalidConfigError(
      `${who.field}.retries`,
      `${who.owner} needs an integer >= 0, got ${describeValue(value)}`,
    );
  }
  return value as number;
}

function backoffFactorField(value: unknown, who: BackoffOwner): number {
  if (value === undefined) return 2;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) {
    throw new InvalidConfigError(
      `${who.field}.backoffFactor`,
      `${who.owner} needs a number >= 1, got ${describeValue(value)}`,
    );
  }
  return value;
}

function jitterField(jitter: unknown, who: BackoffOwner): number {
  if (jitter === undefined) return JITTER.equal!;
  if (typeof jitter === 'string' && Object.hasOwn(JITTER, jitter)) return JITTER[jitter]!;
  if (typeof jitter === 'number' && jitter >= 0 && jitter <= 1) return jitter;
  throw new InvalidConfigError(
    `${who.field}.jitter`,
    `${who.owner} needs 'none', 'equal', 'full' or a fraction in [0, 1], got ${describeValue(jitter)}`,
  );
}
