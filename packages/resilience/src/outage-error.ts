import { CacheTimeoutError, CacheUnavailableError } from '@forno/core';

/**
 * True for the errors of an outage, where serving a stale copy beats failing: a
 * `CacheUnavailableError` (connection refused or closed, and `BrokenCircuitError`, which extends
 * it) or a `CacheTimeoutError`. False for bad input, `WrongTypeError`, serialization errors and
 * your own errors, which a fallback must not hide. Recognised by code, so it works across
 * duplicate installs.
 *
 * Unlike `isTransientError` (what is worth *retrying*), it includes `BrokenCircuitError`: an open
 * circuit is exactly when the fallback should answer.
 */
export function isOutageError(error: unknown): boolean {
  return CacheUnavailableError.is(error) || CacheTimeoutError.is(error);
}
