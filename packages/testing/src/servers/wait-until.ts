import { setTimeout as delay } from 'node:timers/promises';

/** Options of {@link waitUntil}. */
export interface WaitUntilOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between attempts. Default 100 ms. */
  intervalMs?: number;
  /** What is awaited, for the timeout message: "cluster_state:ok on every node". */
  description: string;
  /** Errors for which this returns true are rethrown at once instead of retried (a refusal, not a "not yet"). */
  isFatal?: (error: unknown) => boolean;
}

/**
 * Polls `probe` until it resolves, and returns its value. A probe that throws means "not yet":
 * its error is kept, and the timeout error quotes the last one so a failure says why the
 * condition never held. Polling (rather than fixed sleeps) keeps tests fast on an idle machine and
 * still correct on a loaded one.
 */
export async function waitUntil<T>(probe: () => Promise<T>, options: WaitUntilOptions): Promise<T> {
  const { timeoutMs, intervalMs = 100, description, isFatal } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (isFatal?.(error)) throw error;
      lastError = error;
    }
    if (Date.now() + intervalMs > deadline) break;
    await delay(intervalMs);
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}; last check: ${reason}`, {
    cause: lastError,
  });
}
