/**
 * Source of time. Wall time drives TTL arithmetic that must agree with other processes; monotonic
 * time drives local deadlines (lock validity, timeouts) that must not jump when the wall clock is
 * adjusted. Inject a manual clock in tests instead of sleeping.
 */
export interface Clock {
  /** Wall-clock time in milliseconds since the epoch, like `Date.now()`. */
  now(): number;
  /** Monotonic time in milliseconds from an arbitrary origin, like `performance.now()`. */
  monotonic(): number;
}

/** The real clock: `Date.now()` and `performance.now()` (both faked by vitest's fake timers). */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};
