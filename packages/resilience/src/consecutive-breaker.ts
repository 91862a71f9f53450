import { describeValue, InvalidConfigError } from '@forno/core';
import type { Breaker } from './breaker.js';

/**
 * Opens the circuit after `threshold` consecutive failures; any success starts the count again.
 * The default breaker of `CircuitBreakerPolicy` (built from its `failureThreshold`): simple,
 * predictable, and right for a cache whose outages are all-or-nothing.
 */
export class ConsecutiveBreaker implements Breaker {
  /** Consecutive failures that open the circuit. */
  readonly threshold: number;
  #failures = 0;

  /** @param threshold Consecutive failures that open the circuit, an integer >= 1. */
  constructor(threshold: number) {
    if (!Number.isSafeInteger(threshold) || threshold < 1) {
      throw new InvalidConfigError(
        'threshold',
        `ConsecutiveBreaker needs an integer >= 1, got ${describeValue(threshold)}`,
      );
    }
    this.threshold = threshold;
  }

  /** Consecutive failures counted so far. */
  get failures(): number {
    return this.#failures;
  }

  /** Resets the count. */
  success(): void {
    this.#failures = 0;
  }

  /** Counts the failure; `true` once `threshold` consecutive failures were seen. */
  failure(): boolean {
    this.#failures += 1;
    return this.#failures >= this.threshold;
  }

  /** Resets the count. */
  reset(): void {
    this.#failures = 0;
  }
}
