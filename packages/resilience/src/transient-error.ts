import { CacheTimeoutError, CacheUnavailableError } from '@forno/core';
import { BrokenCircuitError } from './broken-circuit-error.js';

/**
 * True for errors that say the backend is unhealthy right now and may recover: a
 * `CacheUnavailableError` (connection refused, closed, not connected) or a `CacheTimeoutError`.
 * It is the default of `RetryPolicy`'s `retryOn` (and, as `isCacheOutage`, the cache-only
 * `isFailure` of a `CircuitBreakerPolicy`).
 *
 * False for everything else: bad input (`InvalidArgumentError`), `WrongTypeError`,
 * `SerializationError`, errors your own code throws, aborts, and `BrokenCircuitError` (a circuit
 * that is already open: retrying it only burns the retry budget, and it says nothing new about
 * the backend). Errors are recognised by code, so this works across duplicate installs.
 */
export function isTransientError(error: unknown): boolean {
  if (BrokenCircuitError.is(error)) return false;
  return CacheUnavailableError.is(error) || CacheTimeoutError.is(error);
}
