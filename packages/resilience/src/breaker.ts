/**
 * Decides when a closed circuit should open. `CircuitBreakerPolicy` owns the state machine
 * (open, half-open, probes, success threshold) and consults a breaker only while the circuit is
 * closed, so a breaker is just a failure detector: {@link ConsecutiveBreaker} counts consecutive
 * failures, {@link SamplingBreaker} measures the failure rate over a sliding window, and you can
 * plug in your own.
 */
export interface Breaker {
  /** A call succeeded while the circuit was closed. `now` is the policy clock's monotonic time in ms. */
  success(now: number): void;
  /**
   * A call failed (by the policy's `isFailure`) while the circuit was closed. Returns `true` when
   * the circuit should open now. `now` is the policy clock's monotonic time in ms.
   */
  failure(now: number): boolean;
  /** Forgets all history. Called whenever the circuit closes (after recovering, or on `reset()`). */
  reset(): void;
}
