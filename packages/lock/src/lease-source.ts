import { randomBytes } from 'node:crypto';
import {
  CacheError,
  CacheEventEmitter,
  type CacheEventListener,
  type CacheEventSource,
  type Duration,
  InvalidArgumentError,
  parseDuration,
} from '@forno/core';
import type { ResolvedLockOptions } from './distributed-lock.js';
import { emitLockEvent, type Lease, type LeaseInit, LockLostError, validUntil } from './lease.js';
import type { AcquireAttempt, LeaseStore } from './lease-store.js';
import { ClaimOrder, LocalQueue, ReleaseWait, type Ticket } from './release-wait.js';

/** Per-call options of `acquire()` and `run()`. */
export interface AcquireOptions {
  /** Cancels this wait (in addition to the lock's own `signal` option). */
  readonly signal?: AbortSignal;
  /** Overrides the lock's `waitTimeout` for this call. */
  readonly waitTimeout?: Duration;
}

/**
 * What {@link DistributedLock} and {@link DistributedSemaphore} have in common: acquiring with or
 * without waiting, `run()`, and `lock` events.
 */
export abstract class LeaseSource<H extends Lease> implements CacheEventSource {
  /** The key, as given. */
  readonly key: string;
  readonly #store: LeaseStore;
  readonly #options: ResolvedLockOptions;
  readonly #events: CacheEventEmitter;

  protected constructor(store: LeaseStore, options: ResolvedLockOptions) {
    this.key = store.key;
    this.#store = store;
    this.#options = options;
    this.#events = options.events ?? new CacheEventEmitter();
  }

  /**
   * Acquires, waiting up to `waitTimeout` (woken by release announcements). Rejects with
   * `LockTimeoutError` when the time is up, with the abort reason when a signal aborts, and with
   * the backend's `CacheError` when a single repository fails (Redlock waits on through failures
   * of a minority).
   */
  async acquire(options: AcquireOptions = {}): Promise<H> {
    const waitTimeoutMs =
      options.waitTimeout === undefined
        ? this.#options.waitTimeoutMs
        : parseDuration(options.waitTimeout, 'waitTimeout');
    const grant = await acquireLease({
      store: this.#store,
      options: this.#options,
      events: this.#events,
      waitTimeoutMs,
      signal: this.#signal(options.signal),
    });
    return this.#wrap(grant!);
  }

  /** One attempt without waiting: the handle, or `null` when it is held elsewhere. */
  async tryAcquire(): Promise<H | null> {
    const grant = await acquireLease({
      store: this.#store,
      options: this.#options,
      events: this.#events,
      waitTimeoutMs: undefined,
      signal: this.#options.signal,
    });
    return grant === null ? null : this.#wrap(grant);
  }

  /**
   * Acquires, runs `fn` with the handle's `signal`, and releases whatever happens. If the lease was
   * lost while `fn` ran, rejects with that `LockLostError` even when `fn` resolved, since its work
   * may not have been exclusive.
   */
  async run<T>(fn: (signal: AbortSignal, handle: H) => T | Promise<T>, options?: AcquireOptions): Promise<T> {
    if (typeof fn !== 'function') throw new InvalidArgumentError('fn', 'expected a function');
    const handle = await this.acquire(options);
    try {
      const result = await fn(handle.signal, handle);
      try {
        handle.throwIfLost();
      } catch (error) {
        if (LockLostError.is(error)) throw error;
      }
      return result;
    } finally {
      await handle.release();
    }
  }

  /** Adds a listener for this lock's `lock` events (`acquired`, `waited`, `timeout`, `lost`, `released`, `extended`). */
  onEvent(listener: CacheEventListener): () => void {
    return this.#events.onEvent(listener);
  }

  /** Wraps a grant in the handle type. */
  protected abstract createHandle(init: LeaseInit, grant: GrantedLease): H;

  #wrap(grant: GrantedLease): H {
    const { leaseMs, autoExtend, driftFactor, clock } = this.#options;
    return this.createHandle(
      {
        store: this.#store,
        token: grant.token,
        leaseMs,
        validUntil: grant.validUntil,
        autoExtend,
        driftFactor,
        clock,
        events: this.#events,
      },
      grant,
    );
  }

  #signal(call: AbortSignal | undefined): AbortSignal | undefined {
    const own = this.#options.signal;
    if (call === undefined || own === undefined) return call ?? own;
    return AbortSignal.any([own, call]);
  }
}

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
 * first talks to the server. A release that someone waits for reserves the lock for a moment
 * (the fair handoff): for the one waiting process it wakes, on stores that register waiting
 * processes (`wakesOne`), else for every waiter; only an attempt made after waiting may take it.
 * A backend error of a single-instance store rejects at once (after undoing whatever the failed
 * attempt may have written).
 */
export async function acquireLease(request: AcquireRequest): Promise<GrantedLease | null> {
  const { store, options, events, signal } = request;
  const { clock, leaseMs, driftFactor } = options;
  const started = clock.monotonic();
  const deadline = started + (request.waitTimeoutMs ?? 0);
  const local = store.watches[0]!;
  let ticket: Ticket | undefined;
  let wait: ReleaseWait | undefined;
  let order: ClaimOrder | undefined;
  /** The last sleep ended on a release announcement: older waiters of this process claim first. */
  let announced = false;
  let lastError: unknown;
  /** The last sleep ended on its timer while the holder's lease still had time to run. */
  let missedAnnouncement = false;
  /**
   * This call has waited (slept, or queued behind this process's waiters), so it was waiting when
   * the lock was last released and may claim the handoff reserved for waiters. A fresh attempt
   * may not: that is what stops a holder that re-acquires at once from barging in.
   */
  let waited = false;
  /** This call's place in a store's waiting line (the same id across its attempts). */
  const waiter = store.leave === undefined ? undefined : createToken();
  const willWait = (request.waitTimeoutMs ?? 0) > 0;
  let granted = false;
  try {
    // Others of this process wait already: queue behind them instead of jumping ahead.
    if (willWait && !LocalQueue.idle(local)) {
      const since = clock.monotonic();
      ({ ticket, wait } = await startWaiting(request, started, deadline));
      order = claimOrderOf(store, since);
      waited = true;
    } else if (willWait && ReleaseWait.live(store.watches)) {
      // Subscribed already (this process waited for the key a moment ago): listen before the
      // first attempt, so a refusal can sleep at once without looking again.
      wait = new ReleaseWait(store.watches);
    }
    for (;;) {
      signal?.throwIfAborted();
      wait?.arm();
      const token = createToken();
      const sentAt = clock.monotonic();
      let attempt: AcquireAttempt;
      if (announced) await order?.turn();
      try {
        // Listening for releases: a store that registers waiting processes registers this one
        // with a refusal. (A first attempt made before listening, as on a key nobody here waited
        // for lately, registers nothing: the uncontended path stays as it was; its look again
        // after subscribing registers.)
        attempt = await store.tryAcquire(token, leaseMs, waiter, waited, wait !== undefined);
      } catch (error) {
        store.release(token).catch(ignore);
        throw error;
      } finally {
        order?.attempted();
      }
      if (attempt.acquired) {
        const until = validUntil(sentAt, leaseMs, driftFactor);
        if (until > clock.monotonic()) {
          // Free before the holder's lease ended, yet nobody announced it: the subscription may be dead.
          if (missedAnnouncement) wait?.resubscribe();
          granted = true;
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
      if (ticket === undefined || wait === undefined) {
        const since = clock.monotonic();
        const listening = wait !== undefined;
        let queued: boolean;
        ({ ticket, wait, queued } = await startWaiting(request, started, deadline, lastError, wait));
        order = claimOrderOf(store, since);
        // A release may have come before the subscription, or while others of this process went
        // first: look again at once. One made while this call listened already wakes its sleep.
        if (!listening || queued) continue;
      }
      const jitter = Math.random() * options.retryJitterMs;
      const holderLeft = attempt.retryAfter >= 0 ? attempt.retryAfter + 1 : Number.POSITIVE_INFINITY;
      const delay = Math.max(0, Math.min(options.retryDelayMs + jitter, holderLeft, deadline - now));
      announced = await wait.sleep(delay, signal);
      waited = true;
      missedAnnouncement = !announced && delay < holderLeft && delay < deadline - now;
    }
  } finally {
    order?.leave();
    ticket?.leave();
    wait?.dispose();
    if (!granted && waiter !== undefined) store.leave?.(waiter).catch(ignore);
  }
}

/**
 * The place of a waiter that started waiting at `since` among this process's woken waiters of the
 * key, or `undefined` for a store whose release wakes one process, named by the server (it
 * reserves the key for that process, so its woken waiter has nobody here to let go first).
 */
function claimOrderOf(store: LeaseStore, since: number): ClaimOrder | undefined {
  return store.wakesOne === true ? undefined : new ClaimOrder(store.watches[0]!.fullKey, since);
}

/**
 * Starts waiting: subscribes to release announcements (unless `listening` does already) and
 * queues behind this process's other waiters of the key, returning once this waiter is first in
 * line; `queued` when it had to wait for that.
 */
async function startWaiting(
  request: AcquireRequest,
  started: number,
  deadline: number,
  lastError?: unknown,
  listening?: ReleaseWait,
): Promise<{ ticket: Ticket; wait: ReleaseWait; queued: boolean }> {
  const { store, events, options, signal } = request;
  emitLockEvent(events, 'waited', store.key);
  const local = store.watches[0]!;
  const queued = !LocalQueue.idle(local);
  const ticket = LocalQueue.join(local);
  const wait = listening ?? new ReleaseWait(store.watches);
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
  return { ticket, wait, queued };
}

function timedOut(request: AcquireRequest, waitedMs: number, lastError: unknown): LockTimeoutError {
  emitLockEvent(request.events, 'timeout', request.store.key, waitedMs);
  return new LockTimeoutError(
    request.store.key,
    waitedMs,
    lastError === undefined ? {} : { cause: lastError },
  );
}

/**
 * The lock (or semaphore permit) was not acquired within `waitTimeout`. Nothing is held: every
 * partial acquisition was rolled back. `cause` is the last backend error, if attempts failed.
 */
export class LockTimeoutError extends CacheError {
  static override readonly code: string = 'E_LOCK_TIMEOUT';

  /** The lock key. */
  readonly key: string;
  /** How long the caller waited, in ms. */
  readonly waitedMs: number;

  constructor(key: string, waitedMs: number, options?: { cause?: unknown }) {
    super(`Could not acquire lock "${key}" within ${Math.round(waitedMs)} ms`, options);
    this.key = key;
    this.waitedMs = waitedMs;
  }
}

/** Bytes drawn per token: 128 bits, so two acquisitions never share a token. */
const TOKEN_BYTES = 16;
/** Tokens drawn per `randomBytes` call: one system call serves many acquisitions. */
const POOL_TOKENS = 256;

let pool = Buffer.alloc(0);
let offset = 0;

/**
 * A fresh 128-bit random token (22 base64url characters) identifying one acquisition. Only the
 * holder knows it, so only the holder can extend or release the lock.
 */
export function createToken(): string {
  if (offset + TOKEN_BYTES > pool.length) {
    pool = randomBytes(TOKEN_BYTES * POOL_TOKENS);
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + TOKEN_BYTES);
  offset += TOKEN_BYTES;
  return token;
}
