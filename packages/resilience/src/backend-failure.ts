import {
  CrossSlotError,
  EntityExistsError,
  EntityNotFoundError,
  ForbiddenOperationError,
  InvalidArgumentError,
  ScriptError,
  SerializationError,
  WrongTypeError,
} from '@forno/core';
import { BrokenCircuitError } from './broken-circuit-error.js';
import { isTransientError } from './transient-error.js';

/**
 * Forno errors that say the caller asked for something wrong, not that the backend is sick: a bad
 * argument or config (`InvalidConfigError` extends `InvalidArgumentError`), a value that does not
 * serialize or is too large (`PayloadTooLargeError` extends `SerializationError`), a key of
 * another type, a cross-slot call, an entity that exists or does not, a forbidden operation, a
 * script that fails (`ScriptError`: a bug in its Lua or an `error_reply` it chose to return).
 */
const CALLER_ERRORS = [
  InvalidArgumentError,
  SerializationError,
  WrongTypeError,
  CrossSlotError,
  EntityExistsError,
  EntityNotFoundError,
  ForbiddenOperationError,
  ScriptError,
] as const;

/**
 * The default `isFailure` of `CircuitBreakerPolicy`: true for any error that may mean the backend
 * is failing — a refused connection (`ECONNREFUSED` from a database driver), `TypeError: fetch
 * failed`, an HTTP client's timeout, a `CacheUnavailableError` or `CacheTimeoutError`, a Redis
 * error reply (`CommandError`: OOM, NOPERM…), anything your own code throws.
 *
 * False for what is a bug or a decision of the caller, which must not open a circuit for
 * everyone: Forno's client-side errors (`InvalidArgumentError`/`InvalidConfigError`,
 * `SerializationError`/`PayloadTooLargeError`, `WrongTypeError`, `CrossSlotError`,
 * `EntityExistsError`, `EntityNotFoundError`, `ForbiddenOperationError`, `ScriptError`), an `AbortError` (a
 * cancelled call), and `BrokenCircuitError` (another circuit's opinion, not a new failure).
 * Forno errors are recognised by code, so this works across duplicate installs.
 */
export function isBackendFailure(error: unknown): boolean {
  if (BrokenCircuitError.is(error) || isAbortError(error)) return false;
  return !CALLER_ERRORS.some((type) => type.is(error));
}

/**
 * Only cache outages count: `CacheUnavailableError` (connection refused, closed, not connected)
 * and `CacheTimeoutError`, never `BrokenCircuitError`. This was `CircuitBreakerPolicy`'s default
 * before it counted every backend failure ({@link isBackendFailure}); pass it as `isFailure` for a
 * breaker that guards a Forno cache and must ignore every other error:
 *
 * ```ts
 * new CircuitBreakerPolicy({ failureThreshold: 5, isFailure: isCacheOutage });
 * ```
 *
 * The same test as `isTransientError`, `RetryPolicy`'s default, under the name that says what it
 * means to a breaker.
 */
export const isCacheOutage: (error: unknown) => boolean = isTransientError;

/**
 * Whether the caller cancelled a call through its `signal` (internal): a cancelled call says
 * nothing about the backend, whatever it rejected with. A signal that ran out of time
 * (`AbortSignal.timeout()`, reason `TimeoutError`) is not a cancellation: the backend was too slow.
 */
export function wasCancelled(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (signal.reason as { name?: unknown } | null)?.name !== 'TimeoutError';
}

/** An `AbortError` as `fetch`, `AbortSignal.abort()` and most drivers reject with when cancelled. */
function isAbortError(error: unknown): boolean {
  return (error as { name?: unknown } | null | undefined)?.name === 'AbortError';
}
