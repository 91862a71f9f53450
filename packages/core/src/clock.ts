/**
 * Forno's one abstraction of time: reading it and waiting on it. Wall time drives TTL arithmetic
 * that must agree with other processes; monotonic time drives local deadlines (lock validity,
 * timeouts) that must not jump when the wall clock is adjusted; the timer pair schedules the waits
 * (retry delays, timeouts). Inject a manual clock in tests (`ManualClock` of `@forno/testing`)
 * instead of sleeping.
 */
export interface Clock {
  /** Wall-clock time in milliseconds since the epoch, like `Date.now()`. */
  now(): number;
  /** Monotonic time in milliseconds from an arbitrary origin, like `performance.now()`. */
  monotonic(): number;
  /** Calls `callback` once after `ms` milliseconds; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a pending callback; a no-op for a handle that already fired. */
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock: `Date.now()`, `performance.now()` and the global `setTimeout`/`clearTimeout`,
 * each looked up at call time, so vitest's fake timers take effect even on objects created before
 * `vi.useFakeTimers()`.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};
