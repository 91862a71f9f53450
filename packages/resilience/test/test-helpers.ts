/**
 * Test-only helpers (not exported from the package): deterministic random sources and a deferred
 * promise.
 */

/** A random source returning `values` in order (cycling), for hand-computable schedules. */
export function sequenceRandom(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

/** A promise with its resolve/reject exposed: `deferred` of `@forno/testing`. */
export { deferred } from '@forno/testing';

/** Lets pending promise callbacks run, without letting any time pass. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
