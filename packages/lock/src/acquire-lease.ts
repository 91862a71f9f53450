import type { CacheEventEmitter } from '@forno/core';
import { LockTimeoutError } from './errors.js';
import type { AcquireAttempt, LeaseStore } from './lease-store.js';
import { LocalQueue, type Ticket } from './local-queue.js';
import { emitLockEvent } from './lock-events.js';
import type { ResolvedLockOptions } from './options.js';
import { ReleaseWait } from './release-wait.js';
import { createToken } from './token.js';
import { validUntil } from './validity.js';

/** A granted lease, before it is wrapped in a handle. */
export type GrantedLease = Extract<AcquireAttempt, { acquired: true }> & {
  readonly token: string;
  readonly validUntil: number;
};

/** One call to `acquire()` or `tryAcquire()`. */
export interface AcquireRequest {
  readonly store: LeaseStore;
  readonly options: ResolvedLockOptions;
  readonly events: CacheEventEmitter;
  /** Wait up to this long (ms); `undefined` tries once and resolves `null` when refused. */
  readonly waitTimeoutMs: number | undefined;
  readonly signal: AbortSignal | undefined;
}

const ignore = () => {};

/**
 * Takes a lease, waiting if asked. Each attempt uses a fresh token, and a grant whose validity
 * (lease − elapsed − drift) is already gone is handed back at once and counts as a refusal. While
 * waiting, a release announcement wakes the waiter; otherwise it re-checks after
 * min(retryDelay + jitter, the holder's remaining lease, the time left), so a lost announcement
 * costs at most that. Waiters of one process queue locally (see {@link LocalQueue}): only the
 * first talks to the server. A backend error of a single-instance store rejects at once (after
 * undoing whatever the failed attempt may have written).
 */
export async function acquireLease(request: AcquireRequest): Promise<GrantedLease | null> {
  const { store, options, events, signal } = request;
  const { clock, leaseMs, driftFactor } = options;
  const started = clock.monotonic();
  const deadline = started + (request.waitTimeoutMs ?? 0);
  const local = store.watches[0]!;
  let ticket: Ticket | undefined;
  let wait: ReleaseWait | undefined;
  let lastError: unknown;
  /** The last sleep ended on its timer while the holder's lease still had time to run. */
  let missedAnnouncement = false;
  try {
    // Others of this process wait already: queue behind them instead of jumping ahead.
    if ((request.waitTimeoutMs ?? 0) > 0 && !LocalQueue.idle(local)) {
      ({ ticket, wait } = await startWaiting(request, started, deadline));
    }
    for (;;) {
      signal?.throwIfAborted();
      wait?.arm();
      const token = createToken();
      const sentAt = clock.monotonic();
      let attempt: AcquireAttempt;
      try {
        attempt = await store.tryAcquire(token, leaseMs);
      } catch (error) {
        store.release(token).catch(ignore);
        throw error;
      }
      if (attempt.acquired) {
        const until = validUntil(sentAt, leaseMs, driftFactor);
        if (until > clock.monotonic()) {
          // Free before the holder's lease ended, yet nobody announced it: the subscription may be dead.
          if (missedAnnouncement) wait?.resubscribe();
          emitLockEvent(
            events,
            'acquired',
            store.key,
            ticket === undefined ? 0 : clock.monotonic() - started,
          );
          return {
            acquired: true,
            fencingToken: attempt.fencingToken,
            fencingTokens: attempt.fencingTokens,
            token,
            validUntil: until,
          };
        }
        // Granted too late to be of use: hand it back and count it as a refusal.
        await store.release(token).catch(ignore);
        attempt = { acquired: false, retryAfter: 0 };
      } else if (attempt.error !== undefined) {
        lastError = attempt.error;
      }
      if (request.waitTimeoutMs === undefined) return null;
      const now = clock.monotonic();
      if (now >= deadline) throw timedOut(request, now - started, lastError);
      if (wait === undefined) {
        ({ ticket, wait } = await startWaiting(request, started, deadline, lastError));
        continue; // a release may have come before the subscription: look again at once
      }
      const jitter = Math.random() * options.retryJitterMs;
      const holderLeft = attempt.retryAfter >= 0 ? attempt.retryAfter + 1 : Number.POSITIVE_INFINITY;
      const delay = Math.max(0, Math.min(options.retryDelayMs + jitter, holderLeft, deadline - now));
      const announced = await wait.sleep(delay, signal);
      missedAnnouncement = !announced && delay < holderLeft && delay < deadline - now;
    }
  } finally {
    ticket?.leave();
    wait?.dispose();
  }
}

/**
 * Starts waiting: subscribes to release announcements and queues behind this process's other
 * waiters of the key, returning once this waiter is first in line.
 */
async function startWaiting(
  request: AcquireRequest,
  started: number,
  deadline: number,
  lastError?: unknown,
): Promise<{ ticket: Ticket; wait: ReleaseWait }> {
  const { store, events, options, signal } = request;
  emitLockEvent(events, 'waited', store.key);
  const local = store.watches[0]!;
  const queued = !LocalQueue.idle(local);
  const ticket = LocalQueue.join(local);
  const wait = new ReleaseWait(store.watches);
  try {
    await wait.ready();
    // A turn can time out early only when the wait exceeds what one timer can span: wait again.
    while (queued && !(await ticket.turn(deadline - options.clock.monotonic(), signal))) {
      if (options.clock.monotonic() >= deadline) {
        throw timedOut(request, options.clock.monotonic() - started, lastError);
      }
    }
  } catch (error) {
    ticket.leave();
    wait.dispose();
    throw error;
  }
  return { ticket, wait };
}

function timedOut(request: AcquireRequest, waitedMs: number, lastError: unknown): LockTimeoutError {
  emitLockEvent(request.events, 'timeout', request.store.key, waitedMs);
  return new LockTimeoutError(
    request.store.key,
    waitedMs,
    lastError === undefined ? {} : { cause: lastError },
  );
}
