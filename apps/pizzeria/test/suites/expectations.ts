import { expect } from 'vitest';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Durations in ms, for TTL assertions. */
export const ms = { hour: HOUR, day: DAY } as const;

/** A PTTL that was set to `expected` ms a moment ago (allowing a few seconds for slow machines). */
export function expectTtlNear(ttl: number, expected: number): void {
  expect(ttl).toBeGreaterThan(expected - 5_000);
  expect(ttl).toBeLessThanOrEqual(expected);
}

/** The rejection of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
