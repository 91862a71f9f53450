import { describeValue, InvalidConfigError } from '@forno/core';
import type { Policy, PolicyContext, PolicyFunction } from './policy.js';
import { type WrappedFunction, wrapFunction } from './wrap-function.js';

/**
 * Several policies applied as one, first = outermost. Returned by {@link wrapPolicies}.
 */
export class PolicyChain implements Policy {
  /** The composed policies, outermost first. */
  readonly policies: readonly Policy[];

  /** Prefer {@link wrapPolicies}. Throws `InvalidConfigError` for anything without an `execute` method. */
  constructor(policies: readonly Policy[]) {
    policies.forEach((policy, i) => {
      if (typeof (policy as Partial<Policy> | null | undefined)?.execute !== 'function') {
        throw new InvalidConfigError(
          `policies[${i}]`,
          `expected a policy with an execute method, got ${describeValue(policy)}`,
        );
      }
    });
    this.policies = [...policies];
  }

  /**
   * Runs `fn` through every policy, outermost first. `fn` receives the innermost policy's signal
   * (aborted by the caller's signal or by any enclosing timeout) and the attempt number of the
   * nearest enclosing retry policy.
   */
  async execute<T>(fn: PolicyFunction<T>, signal?: AbortSignal): Promise<T> {
    const run = async (
      index: number,
      inherited: PolicyContext | undefined,
      current?: AbortSignal,
    ): Promise<T> => {
      const policy = this.policies[index];
      if (policy === undefined) {
        current?.throwIfAborted();
        return fn(inherited ?? { signal: current ?? new AbortController().signal, attempt: 1 });
      }
      return policy.execute(
        (context) =>
          run(
            index + 1,
            inherited !== undefined && context.attempt === 1
              ? { signal: context.signal, attempt: inherited.attempt }
              : context,
            context.signal,
          ),
        current,
      );
    };
    return run(0, undefined, signal);
  }

  /** Returns `fn` with every call run through {@link PolicyChain.execute}, keeping its parameters and `this`. */
  wrap<F extends (...args: never[]) => unknown>(fn: F): WrappedFunction<F> {
    return wrapFunction(this, fn);
  }
}

/**
 * Composes policies into one; the first is the outermost. The recommended order for a cache is
 *
 * ```ts
 * const policy = wrapPolicies(retry, breaker, timeout);
 * await policy.execute(({ signal }) => redis.get(key));
 * ```
 *
 * - the timeout is innermost, so **each attempt** gets its own deadline;
 * - the breaker sees **each attempt**, timeouts included (`CacheTimeoutError` is a failure), so
 *   an outage opens it after `failureThreshold` attempts, not requests;
 * - the retry is outermost, so it **stops as soon as the breaker opens**: `BrokenCircuitError`
 *   is not retryable, and the caller gets it at once instead of waiting out the backoff.
 *
 * Called with no policies it returns a pass-through policy. (Named `wrapPolicies` rather than
 * cockatiel's `wrap` because every policy already has a `wrap(fn)` that decorates a function.)
 */
export function wrapPolicies(...policies: Policy[]): PolicyChain {
  return new PolicyChain(policies);
}
