import {
  assertKnownOptions,
  CacheEventEmitter,
  type CacheEventListener,
  type CacheEventSource,
  type Clock,
  functionOption,
  InvalidArgumentError,
  notifySafely,
  strategyOption,
  systemClock,
} from '@forno/core';
import {
  type BackoffOptions,
  backoffDelay,
  RETRY_OPTION_KEYS,
  type ResolvedBackoff,
  resolveBackoff,
} from './backoff.js';
import type { Policy, PolicyFunction } from './policy.js';
import { sleep } from './sleep.js';
import { isTransientError } from './transient-error.js';
import { type WrappedFunction, wrapFunction } from './wrap-function.js';

/** Options of {@link RetryPolicy}: the backoff fields, which errors to retry, and injectable randomness and clock. */
export interface RetryPolicyOptions extends BackoffOptions {
  /**
   * Whether a failed attempt may be retried. Default {@link isTransientError}: **only** Forno's
   * `CacheUnavailableError` and `CacheTimeoutError` — a database's `ECONNREFUSED`, `TypeError:
   * fetch failed` or any other error is thrown at once, not retried, because the policy cannot
   * know whether repeating the call is safe (a timed-out `incrby` or `INSERT` may already have
   * been applied). For a call that is safe to repeat, retry every backend failure with
   * `retryOn: isBackendFailure` (still never bad input, aborts or `BrokenCircuitError`).
   */
  readonly retryOn?: ((error: unknown) => boolean) | undefined;
  /** Source of randomness for jitter, returning [0, 1). Default `Math.random`; seed it in tests. */
  readonly random?: (() => number) | undefined;
  /** Clock whose `setTimeout` schedules the delays. Default `systemClock` (vitest's fake timers drive it). */
  readonly clock?: Clock | undefined;
}

/** Why a {@link RetryPolicy} stopped retrying and let an error through. */
export interface GiveUpEvent {
  /**
   * `'exhausted'`: every retry failed. `'not-retryable'`: a retry failed with an error `retryOn`
   * rejects, typically `BrokenCircuitError` once an inner breaker opened.
   */
  readonly reason: 'exhausted' | 'not-retryable';
  /** Attempts made, the first one included. */
  readonly attempts: number;
  /** The error the caller receives. */
  readonly error: unknown;
}

/** Receives {@link GiveUpEvent}s. Must not throw; errors it throws (or async rejections) are ignored. */
export type GiveUpListener = (event: GiveUpEvent) => void;

const OWNER = 'RetryPolicy';
const RETRY_ON_HINT =
  'retryOn decides which errors are retried; the default retries only CacheUnavailableError and ' +
  'CacheTimeoutError (a cache outage). To retry any backend failure of a call that is safe to ' +
  'repeat: new RetryPolicy({ retryOn: isBackendFailure })';

/**
 * Retries a failed call after exponentially growing, jittered delays. Only errors accepted by
 * `retryOn` are retried — by default **only cache outages** (`CacheUnavailableError`,
 * `CacheTimeoutError`): a database or HTTP error is not retried unless you say so with
 * `retryOn: isBackendFailure`, and only do that for calls that are safe to repeat. Any other
 * error, and the last one once `retries` are spent, reaches the caller unchanged. Aborting the signal passed to `execute`
 * stops a pending delay at once (rejecting with the signal's reason, no timer left behind).
 *
 * Emits a core `retry` `CacheEvent` before each delay (`onEvent`) and a
 * {@link GiveUpEvent} when it stops retrying (`onGiveUp`).
 *
 * ```ts
 * const retry = new RetryPolicy({ retries: 3, retryDelay: '100ms', backoffFactor: 2, maxRetryDelay: '1s' });
 * const menu = await retry.execute(() => redis.get<Menu>('menu:margherita'));
 * ```
 */
export class RetryPolicy implements Policy, CacheEventSource {
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly #backoff: ResolvedBackoff;
  readonly #retryOn: (error: unknown) => boolean;
  readonly #random: () => number;
  readonly #clock: Clock;
  readonly #events = new CacheEventEmitter();
  #giveUpListeners: GiveUpListener[] = [];

  /** Validates `options` (throwing `InvalidConfigError` naming the field) and applies defaults. */
  constructor(options?: RetryPolicyOptions) {
    assertKnownOptions(options, RETRY_OPTION_KEYS, OWNER);
    this.#backoff = resolveBackoff(options, OWNER);
    this.retries = this.#backoff.retries;
    this.#retryOn = functionOption(options?.retryOn, 'retryOn', isTransientError, OWNER, RETRY_ON_HINT);
    this.#random = functionOption(options?.random, 'random', Math.random, OWNER);
    this.#clock =
      strategyOption<Clock>(options?.clock, 'clock', ['setTimeout', 'clearTimeout'], OWNER) ?? systemClock;
  }

  /**
   * Delay in milliseconds before retry number `retry` (1-based), drawing from this policy's
   * random source. With `jitter: 'none'` it is the pure schedule of `backoffDelays`.
   */
  delayFor(retry: number): number {
    return backoffDelay(this.#backoff, retry, this.#random);
  }

  /**
   * Runs `fn`, retrying it as configured. `fn` receives `{ signal, attempt }` with a 1-based
   * `attempt`. Rejects with `fn`'s last error, or with `signal.reason` when aborted before an
   * attempt or during a delay.
   */
  async execute<T>(fn: PolicyFunction<T>, signal?: AbortSignal): Promise<T> {
    const fnSignal = signal ?? new AbortController().signal;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        return await fn({ signal: fnSignal, attempt });
      } catch (error) {
        if (signal?.aborted) throw error;
        if (!this.#retryOn(error)) {
          if (attempt > 1) this.#giveUp({ reason: 'not-retryable', attempts: attempt, error });
          throw error;
        }
        if (attempt > this.retries) {
          this.#giveUp({ reason: 'exhausted', attempts: attempt, error });
          throw error;
        }
        const delayMs = this.delayFor(attempt);
        if (this.#events.hasListeners) this.#events.emit({ type: 'retry', attempt, delayMs, error });
        await sleep(delayMs, this.#clock, signal);
      }
    }
  }

  /** Returns `fn` with every call run through {@link RetryPolicy.execute}, keeping its parameters and `this`. */
  wrap<F extends (...args: never[]) => unknown>(fn: F): WrappedFunction<F> {
    return wrapFunction(this, fn);
  }

  /**
   * Adds a listener for core `retry` events — `{ type: 'retry', attempt, delayMs, error }`, where
   * `attempt` is the attempt that failed — emitted before each delay. Returns a function that
   * removes it. `@forno/metrics` consumes these without depending on this package.
   */
  onEvent(listener: CacheEventListener): () => void {
    return this.#events.onEvent(listener);
  }

  /**
   * Adds a listener called when the policy stops retrying: retries exhausted, or a retry failed
   * with an error that is not retryable. A first attempt failing with a non-retryable error is not
   * a give-up (no retry was attempted). Returns a function that removes the listener.
   */
  onGiveUp(listener: GiveUpListener): () => void {
    if (typeof listener !== 'function') throw new InvalidArgumentError('listener', 'expected a function');
    const subscription: GiveUpListener = (event) => listener(event);
    this.#giveUpListeners = [...this.#giveUpListeners, subscription];
    return () => {
      this.#giveUpListeners = this.#giveUpListeners.filter((l) => l !== subscription);
    };
  }

  #giveUp(event: GiveUpEvent): void {
    for (const listener of this.#giveUpListeners) notifySafely(listener, event);
  }
}
