/**
 * What a policy hands to the function it runs. Policies create it; your function reads it.
 */
export interface PolicyContext {
  /**
   * Aborted when the caller's signal aborts or an enclosing {@link TimeoutPolicy} expires. Pass it
   * on to I/O that can be cancelled, so abandoned work stops instead of piling up.
   */
  readonly signal: AbortSignal;
  /**
   * 1-based number of this attempt, counted by the nearest enclosing {@link RetryPolicy}; always 1
   * when no retry policy is involved.
   */
  readonly attempt: number;
}

/** A function a {@link Policy} runs: may return a value or a promise, and may throw. */
export type PolicyFunction<T> = (context: PolicyContext) => PromiseLike<T> | T;

/**
 * A resilience policy: runs a function and decides what happens around it (retrying, rejecting
 * fast, timing out). Every Forno policy implements it, so they compose with `wrapPolicies` and
 * any code that accepts a policy accepts all of them.
 */
export interface Policy {
  /**
   * Runs `fn` under this policy and settles with its result or with the error the policy decided
   * on. A synchronous throw from `fn` becomes a rejection. If `signal` is already aborted, `fn` is
   * not called and the promise rejects with `signal.reason`.
   */
  execute<T>(fn: PolicyFunction<T>, signal?: AbortSignal): Promise<T>;
}
