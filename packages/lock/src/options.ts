import {
  type CacheEventEmitter,
  type Clock,
  type Duration,
  describeValue,
  InvalidConfigError,
  parseDuration,
  parseTtl,
  systemClock,
} from '@forno/core';
import { driftOf } from './lease.js';
import type { DurabilityOptions } from './replicated-store.js';

/** Options of {@link DistributedLock} (and, with `limit`, of {@link DistributedSemaphore}). */
export interface DistributedLockOptions extends DurabilityOptions {
  /**
   * The lease: how long the lock stays held if its holder stops renewing it (crash, pause,
   * partition). With `autoExtend` it is renewed every third of this while held. Default `'30s'`.
   */
  readonly timeout?: Duration;
  /** How long `acquire()` waits for the lock before `LockTimeoutError`. `0` tries once. Default `'10s'`. */
  readonly waitTimeout?: Duration;
  /**
   * Fallback re-check period while waiting. Waiters wake on the release message; this (capped by
   * the holder's remaining lease) only bounds what a lost message costs. Default `'100ms'`.
   */
  readonly retryDelay?: Duration;
  /** Up to this much random time is added to each re-check, so waiters do not stampede. Default `'50ms'`. */
  readonly retryJitter?: Duration;
  /** Renew the lease in the background while held (one process-wide timer). Default `true`. */
  readonly autoExtend?: boolean;
  /** Cancels waiting: `acquire()` rejects with `signal.reason` once it aborts. */
  readonly signal?: AbortSignal;
  /** Share of the lease kept back for clock drift (`lease × driftFactor + 2 ms`). Default `0.01`. */
  readonly driftFactor?: number;
  /** Clock for local deadlines (its `monotonic()`). Default: `performance.now()`. */
  readonly clock?: Clock;
  /** Emitter that receives `lock` events; share one between locks to observe them all. */
  readonly events?: CacheEventEmitter;
  /**
   * Issue a fencing token with each grant (`DistributedLock` only). Default `true`. Its last token
   * is a key beside the lock that expires with the lease: turn fencing off where the lock only
   * saves work and protects no resource (`@forno/cache`'s stampede protection), to skip that key.
   * `fencingToken` is then `0`.
   */
  readonly fencing?: boolean;
}

/** Options with defaults applied and durations in ms. */
export interface ResolvedLockOptions {
  readonly leaseMs: number;
  readonly waitTimeoutMs: number;
  readonly retryDelayMs: number;
  readonly retryJitterMs: number;
  readonly autoExtend: boolean;
  readonly signal: AbortSignal | undefined;
  readonly driftFactor: number;
  readonly clock: Clock;
  readonly events: CacheEventEmitter | undefined;
}

const KNOWN = new Set([
  'timeout',
  'waitTimeout',
  'retryDelay',
  'retryJitter',
  'autoExtend',
  'signal',
  'driftFactor',
  'clock',
  'events',
]);

/** Validates options (throwing `InvalidConfigError` naming the option) and applies defaults. */
export function resolveLockOptions(
  options: DistributedLockOptions,
  extra: ReadonlySet<string> = new Set(),
): ResolvedLockOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidConfigError('options', `expected an object, got ${describeValue(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN.has(name) && !extra.has(name)) throw new InvalidConfigError(name, 'unknown option');
  }
  const leaseMs = config(() => parseTtl(options.timeout ?? '30s', 'timeout'));
  const driftFactor = options.driftFactor ?? 0.01;
  if (typeof driftFactor !== 'number' || !(driftFactor >= 0 && driftFactor < 0.5)) {
    throw new InvalidConfigError(
      'driftFactor',
      `expected a number in [0, 0.5), got ${describeValue(driftFactor)}`,
    );
  }
  if (options.autoExtend !== undefined && typeof options.autoExtend !== 'boolean') {
    throw new InvalidConfigError(
      'autoExtend',
      `expected a boolean, got ${describeValue(options.autoExtend)}`,
    );
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidConfigError('signal', `expected an AbortSignal, got ${describeValue(options.signal)}`);
  }
  if (leaseMs <= driftOf(leaseMs, driftFactor)) {
    throw new InvalidConfigError(
      'timeout',
      `a ${leaseMs} ms lease leaves no validity after the drift allowance`,
    );
  }
  const clock = options.clock ?? systemClock;
  if (typeof clock?.monotonic !== 'function') {
    throw new InvalidConfigError('clock', 'expected a Clock with monotonic()');
  }
  if (options.events !== undefined && typeof options.events?.emit !== 'function') {
    throw new InvalidConfigError('events', 'expected a CacheEventEmitter');
  }
  return {
    leaseMs,
    waitTimeoutMs: config(() => parseDuration(options.waitTimeout ?? '10s', 'waitTimeout')),
    retryDelayMs: Math.max(
      1,
      config(() => parseDuration(options.retryDelay ?? '100ms', 'retryDelay')),
    ),
    retryJitterMs: config(() => parseDuration(options.retryJitter ?? '50ms', 'retryJitter')),
    autoExtend: options.autoExtend ?? true,
    signal: options.signal,
    driftFactor,
    clock,
    events: options.events,
  };
}

/** Re-throws a duration's `InvalidArgumentError` as the `InvalidConfigError` a constructor owes. */
function config(parse: () => number): number {
  try {
    return parse();
  } catch (error) {
    const argument = (error as { argument?: unknown }).argument;
    const message = error instanceof Error ? error.message.replace(/^Invalid [^:]+: /, '') : String(error);
    throw new InvalidConfigError(typeof argument === 'string' ? argument : 'options', message, {
      cause: error,
    });
  }
}
