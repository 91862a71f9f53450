/**
 * The timer functions the policies use to wait. Inject your own to drive time by hand; the
 * default, {@link systemTimers}, looks up the global `setTimeout` on every call, so vitest's
 * `vi.useFakeTimers()` takes effect even after a policy was created.
 */
export interface Timers {
  /** Calls `callback` once after `ms` milliseconds; returns a handle for {@link Timers.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a pending callback; a no-op for a handle that already fired. */
  clearTimeout(handle: unknown): void;
}

/** The global `setTimeout`/`clearTimeout`, looked up at call time. */
export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};
