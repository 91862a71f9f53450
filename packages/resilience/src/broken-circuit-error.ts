import { CacheUnavailableError } from '@forno/core';

/** Why a {@link BrokenCircuitError} was thrown. */
export type BrokenCircuitReason =
  /** The circuit is open after failures and still inside its recovery timeout. */
  | 'open'
  /** The circuit is half-open and every probe slot is taken; the call was not queued. */
  | 'half-open'
  /** The circuit was opened by hand with `isolate()`. */
  | 'isolated';

/** What {@link BrokenCircuitError}'s constructor takes. */
export interface BrokenCircuitErrorOptions {
  /** Why the call was rejected. */
  readonly reason: BrokenCircuitReason;
  /** Milliseconds until the circuit admits a probe; `undefined` when unknown. */
  readonly retryAfterMs?: number | undefined;
  /** The failure that opened the circuit, when known. */
  readonly cause?: unknown;
}

/**
 * Thrown by `CircuitBreakerPolicy` instead of calling the function while the circuit is open (or
 * half-open with its probe slots taken). It extends `CacheUnavailableError`, so
 * `catch (CacheError)` and fallbacks written for an unreachable Redis handle it too; `RetryPolicy`
 * never retries it. Code `E_CIRCUIT_OPEN`; `cause` is the failure that opened the circuit.
 */
export class BrokenCircuitError extends CacheUnavailableError {
  static override readonly code: string = 'E_CIRCUIT_OPEN';

  /** Why the call was rejected. */
  readonly reason: BrokenCircuitReason;

  /**
   * Whole milliseconds until the circuit admits a probe call (0 once the recovery timeout has passed);
   * `undefined` when it cannot be known (half-open with probes in flight, or isolated).
   */
  readonly retryAfterMs: number | undefined;

  constructor(options: BrokenCircuitErrorOptions) {
    super(messageFor(options), { cause: options.cause });
    this.reason = options.reason;
    this.retryAfterMs = options.retryAfterMs;
  }
}

function messageFor({ reason, retryAfterMs }: BrokenCircuitErrorOptions): string {
  switch (reason) {
    case 'open':
      return retryAfterMs === undefined
        ? 'Circuit is open: the call was rejected without being sent'
        : `Circuit is open: the call was rejected without being sent (next probe in ${retryAfterMs}ms)`;
    case 'half-open':
      return 'Circuit is half-open and its probe slots are taken: the call was rejected without being sent';
    case 'isolated':
      return 'Circuit is isolated: the call was rejected without being sent';
  }
}
