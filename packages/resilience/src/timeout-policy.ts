import {
  assertKnownOptions,
  CacheTimeoutError,
  type Clock,
  type Duration,
  describeValue,
  InvalidArgumentError,
  InvalidConfigError,
  parseDuration,
  strategyOption,
  systemClock,
} from '@forno/core';
import type { Policy, PolicyFunction } from './policy.js';
import { type WrappedFunction, wrapFunction } from './wrap-function.js';

/** Options of {@link TimeoutPolicy}. */
export interface TimeoutPolicyOptions {
  /** Clock whose `setTimeout` schedules the deadline. Default `systemClock` (vitest's fake timers drive it). */
  readonly clock?: Clock | undefined;
}

const OWNER = 'TimeoutPolicy';

/**
 * Gives up on a call that has not settled within `timeout`: the returned promise rejects with a
 * core `CacheTimeoutError` at the deadline, whether or not `fn` cooperates, and the `signal`
 * passed to `fn` is aborted (with that error as its reason) so cancellable work stops. Aborting
 * the caller's signal rejects at once with its reason. The timer is cleared as soon as the call
 * settles, and a late rejection of `fn` is absorbed, never left unhandled.
 *
 * A timed-out write may still be applied by the server; only retry operations that are safe to
 * repeat.
 *
 * ```ts
 * const timeout = new TimeoutPolicy('250ms');
 * await timeout.execute(({ signal }) => fetchMenu(id, { signal })); // CacheTimeoutError after 250ms
 * ```
 */
export class TimeoutPolicy implements Policy {
  /** The deadline in milliseconds. */
  readonly timeoutMs: number;
  readonly #clock: Clock;

  /**
   * @param timeout How long a call may take, e.g. `'250ms'`; must be greater than zero.
   * @param options Injectable clock.
   */
  constructor(timeout: Duration, options?: TimeoutPolicyOptions) {
    assertKnownOptions(options, ['clock'], OWNER);
    let ms: number;
    try {
      ms = parseDuration(timeout, 'timeout');
    } catch (cause) {
      ms = Number.NaN;
      if (!InvalidArgumentError.is(cause)) throw cause;
    }
    if (!(ms > 0)) {
      throw new InvalidConfigError(
        'timeout',
        `${OWNER} needs a duration greater than zero, like '250ms' or 1000, got ${describeValue(timeout)}`,
      );
    }
    this.timeoutMs = ms;
    this.#clock =
      strategyOption<Clock>(options?.clock, 'clock', ['setTimeout', 'clearTimeout'], OWNER) ?? systemClock;
  }

  /** Runs `fn`, rejecting with `CacheTimeoutError` if it has not settled within the timeout. */
  execute<T>(fn: PolicyFunction<T>, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const controller = new AbortController();
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        this.#clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const onAbort = (): void => {
        if (!settle()) return;
        controller.abort(signal?.reason);
        reject(signal?.reason);
      };
      const timer = this.#clock.setTimeout(() => {
        if (!settle()) return;
        const error = new CacheTimeoutError(`Operation timed out after ${this.timeoutMs}ms`);
        controller.abort(error);
        reject(error);
      }, this.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });

      let pending: PromiseLike<T> | T;
      try {
        pending = fn({ signal: controller.signal, attempt: 1 });
      } catch (error) {
        if (settle()) reject(error);
        return;
      }
      Promise.resolve(pending).then(
        (value) => {
          if (settle()) resolve(value);
        },
        (error: unknown) => {
          if (settle()) reject(error);
        },
      );
    });
  }

  /** Returns `fn` with every call run through {@link TimeoutPolicy.execute}, keeping its parameters and `this`. */
  wrap<F extends (...args: never[]) => unknown>(fn: F): WrappedFunction<F> {
    return wrapFunction(this, fn);
  }
}
