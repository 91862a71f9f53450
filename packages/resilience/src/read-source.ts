import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where a read was answered from: `'redis'` — the wrapped repository (Redis, or whatever backend
 * it is); `'fallback'` — the in-memory mirror of `ResilientCacheRepository`, a possibly stale copy
 * served because the backend was unavailable.
 */
export type ReadSource = 'redis' | 'fallback';

/** A read's result together with where it came from. */
export interface Sourced<T> {
  /** What the read returned. */
  readonly value: T;
  /** `'fallback'` if any read in the tracked callback was served from the mirror. */
  readonly source: ReadSource;
}

interface Tracker {
  source: ReadSource;
  readonly parent: Tracker | undefined;
}

const trackers = new AsyncLocalStorage<Tracker>();

/**
 * Runs `read` and reports whether any read it made (in its own async context, however deeply
 * awaited) was served from a fallback. Concurrent calls are tracked separately (internal).
 */
export async function trackSource<T>(read: () => Promise<T>): Promise<Sourced<T>> {
  const tracker: Tracker = { source: 'redis', parent: trackers.getStore() };
  const value = await trackers.run(tracker, read);
  return { value, source: tracker.source };
}

/** Records that the current read was served from the fallback, for every enclosing tracker. */
export function markServedFromFallback(): void {
  for (let tracker = trackers.getStore(); tracker !== undefined; tracker = tracker.parent) {
    tracker.source = 'fallback';
  }
}
