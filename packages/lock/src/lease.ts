import type { CacheEvent, CacheEventEmitter, Clock, Duration } from '@forno/core';
import { CacheError, parseTtl } from '@forno/core';
import type { LeaseStore } from './lease-store.js';
import { timerDelay } from './release-wait.js';

/** What a lease handle is built from; produced by `DistributedLock` / `DistributedSemaphore`. */
export interface LeaseInit {
  readonly store: LeaseStore;
  readonly token: string;
  readonly leaseMs: number;
  /** Monotonic instant until which the lease is valid here (lease − elapsed − drift). */
  readonly validUntil: number;
  readonly autoExtend: boolean;
  readonly driftFactor: number;
  readonly clock: Clock;
  readonly events: CacheEventEmitter;
}

/** Least spacing of renewal retries after a failed renewal, in ms. */
const MIN_RETRY_MS = 10;

const released = (key: string): Error => new DOMException(`Lock "${key}" was released`, 'AbortError');

/**
 * A held lease, the common part of {@link Lock} and {@link SemaphorePermit}: its `signal`, its local
 * deadline, renewal and release. The deadline is kept on the monotonic clock by a timer of its own
 * (armed once the signal is handed out or events are listened to), independent of renewals, so
 * `signal` aborts on time even when a renewal hangs; `throwIfLost()`, `isHeld` and reading
 * `signal` also check the clock synchronously, for code that ran through an event-loop stall.
 */
export class Lease implements AsyncDisposable {
  /** The key, as given to the lock. */
  readonly key: string;
  /** This acquisition's random token (stored as the key's value; only its holder knows it). */
  readonly token: string;

  readonly #init: LeaseInit;
  /** Created on first access of `signal`: aborting a signal nobody watches would cost ~10 µs. */
  #controller: AbortController | undefined;
  /**
   * Whether anyone can observe the deadline passing by itself: a `signal` was handed out or `lock`
   * events have listeners. Until then no deadline timer runs (every other way of looking at the
   * lease checks the clock first), which saves a timer per acquisition.
   */
  #watched: boolean;
  #lostError: LockLostError | undefined;
  readonly #acquiredAt: number;
  readonly #renewable: Renewal | undefined;
  #leaseMs: number;
  #validUntil: number;
  #state: 'held' | 'lost' | 'released' = 'held';
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #lastRenewalError: unknown;
  #release: Promise<boolean> | undefined;

  /** @internal Created by `DistributedLock` and `DistributedSemaphore`; not meant to be constructed directly. */
  constructor(init: LeaseInit) {
    this.#init = init;
    this.key = init.store.key;
    this.token = init.token;
    this.#leaseMs = init.leaseMs;
    this.#validUntil = init.validUntil;
    this.#acquiredAt = init.clock.monotonic();
    this.#watched = init.events.hasListeners;
    if (this.#watched) this.#armDeadline();
    if (init.autoExtend) {
      this.#renewable = new Renewal(init.clock, this.#acquiredAt, init.leaseMs, () => this.#renew());
      renewalScheduler.add(this.#renewable);
    }
  }

  /**
   * Aborted when the lease ends: with a {@link LockLostError} when it was lost (a renewal found
   * another holder, or the local deadline passed), with an `AbortError` when it was released.
   * Pass it to the work the lock guards (`fetch`, database drivers, your own loops).
   */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#checkDeadline();
      this.#controller = new AbortController();
      if (this.#state !== 'held') this.#controller.abort(this.#endReason());
      else if (!this.#watched) {
        this.#watched = true;
        this.#armDeadline();
      }
    }
    return this.#controller.signal;
  }

  /** True while the lease is held and its local deadline has not passed (checked against the clock now). */
  get isHeld(): boolean {
    this.#checkDeadline();
    return this.#state === 'held';
  }

  /** Ms of local validity left (0 once lost or released). */
  get remainingTime(): number {
    return this.isHeld ? Math.max(0, this.#validUntil - this.#init.clock.monotonic()) : 0;
  }

  /**
   * Throws the {@link LockLostError} (or release `AbortError`) that ended the lease, checking the
   * deadline against the clock first. Call it right before an irreversible step.
   */
  throwIfLost(): void {
    this.#checkDeadline();
    if (this.#state !== 'held') throw this.#endReason();
  }

  /**
   * Renews the lease to `ttl` (default: the lock's `timeout`) from now. Throws {@link LockLostError}
   * (and aborts `signal`) if the lease is no longer this holder's; backend errors are thrown as they
   * are and leave the lease running until its deadline.
   */
  async extend(ttl?: Duration): Promise<void> {
    const leaseMs = ttl === undefined ? this.#leaseMs : parseTtl(ttl);
    this.throwIfLost();
    await this.#extend(leaseMs);
  }

  /**
   * Releases the lease: stops renewals, aborts `signal`, and deletes the key if it still holds this
   * token (waking waiters). Never rejects: resolves `true` when this call deleted a live lease,
   * `false` when it was already released, lost or expired, or the backend could not be reached
   * (the lease then expires by itself). Calling it again resolves `false`.
   */
  release(): Promise<boolean> {
    if (this.#release !== undefined) return this.#release.then(() => false);
    this.#stop('released');
    this.#release = this.#deleteKey(this.#init.clock.monotonic() - this.#acquiredAt);
    return this.#release;
  }

  /** `await using lock = await mutex.acquire()` releases the lease at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }

  async #deleteKey(heldFor: number): Promise<boolean> {
    let deleted = false;
    try {
      deleted = await this.#init.store.release(this.token);
    } catch {
      // Quiet by contract: the lease expires by itself.
    }
    emitLockEvent(this.#init.events, 'released', this.key, heldFor);
    return deleted;
  }

  async #extend(leaseMs: number): Promise<void> {
    const sentAt = this.#init.clock.monotonic();
    const extended = await this.#init.store.extend(this.token, leaseMs);
    // Released (or lost) while the renewal was in flight: its answer no longer matters.
    if (this.#state !== 'held') throw this.#endReason();
    if (!extended) {
      const error = new LockLostError(this.key, 'the key no longer holds this lock’s token');
      this.#lose(error);
      throw error;
    }
    this.#leaseMs = leaseMs;
    this.#validUntil = validUntil(sentAt, leaseMs, this.#init.driftFactor);
    this.#renewable?.schedule(sentAt, leaseMs);
    this.#lastRenewalError = undefined;
    if (this.#watched) this.#armDeadline();
    emitLockEvent(this.#init.events, 'extended', this.key);
  }

  /** The scheduler's renewal: never rejects; failures end in `#lose` or a retry. */
  async #renew(): Promise<void> {
    if (!this.isHeld) return;
    const renewal = this.#renewable!;
    renewal.renewAt = Number.POSITIVE_INFINITY;
    try {
      await this.#extend(this.#leaseMs);
    } catch (error) {
      if (this.#state !== 'held') return;
      // The backend failed; the lease may still be ours. Retry while the deadline allows.
      this.#lastRenewalError = error;
      const now = this.#init.clock.monotonic();
      renewal.renewAt = now + Math.max(MIN_RETRY_MS, (this.#validUntil - now) / 3);
    }
  }

  #armDeadline(): void {
    if (this.#deadline !== undefined) clearTimeout(this.#deadline);
    // Whole ms (timers are grouped by duration); up to 1 ms late is within the 2 ms drift allowance.
    const delay = timerDelay(this.#validUntil - this.#init.clock.monotonic());
    this.#deadline = setTimeout(() => this.#onDeadlineTimer(), delay);
    this.#deadline.unref?.();
  }

  #onDeadlineTimer(): void {
    this.#deadline = undefined;
    if (this.#state !== 'held') return;
    this.#checkDeadline();
    // The timer may fire before the injected clock reaches the deadline: look again later.
    if (this.#state === 'held') this.#armDeadline();
  }

  #checkDeadline(): void {
    if (this.#state !== 'held' || this.#init.clock.monotonic() < this.#validUntil) return;
    const cause = this.#lastRenewalError;
    this.#lose(
      new LockLostError(
        this.key,
        'its local deadline passed without a successful renewal',
        cause === undefined ? undefined : { cause },
      ),
    );
  }

  #lose(error: LockLostError): void {
    if (this.#state !== 'held') return;
    this.#lostError = error;
    this.#stop('lost');
    emitLockEvent(this.#init.events, 'lost', this.key);
  }

  #stop(state: 'lost' | 'released'): void {
    if (this.#state === 'held') this.#state = state;
    if (this.#deadline !== undefined) clearTimeout(this.#deadline);
    this.#deadline = undefined;
    if (this.#renewable !== undefined) renewalScheduler.delete(this.#renewable);
    if (this.#controller !== undefined && !this.#controller.signal.aborted) {
      this.#controller.abort(this.#endReason());
    }
  }

  /** Why the lease ended: the {@link LockLostError}, or an `AbortError` for a release. */
  #endReason(): Error {
    return this.#lostError ?? released(this.key);
  }
}

/**
 * A held lock stopped being held before it was released: a renewal found another token on the
 * key, or the local deadline (lease − elapsed − drift) passed without a successful renewal. It is
 * the `reason` of `lock.signal` and what `extend()` and `run()` throw. Work guarded by the lock must
 * stop: another process may hold it now. `cause` is the backend error, when renewals failed.
 */
export class LockLostError extends CacheError {
  static override readonly code: string = 'E_LOCK_LOST';

  /** The lock key. */
  readonly key: string;

  constructor(key: string, reason: string, options?: { cause?: unknown }) {
    super(`Lock "${key}" was lost: ${reason}`, options);
    this.key = key;
  }
}

/** Longest a renewal may run ahead of schedule to join a batch, in ms. */
const MAX_BATCH_WINDOW_MS = 50;

/** A lease's entry in the renewal scheduler: renew a third of the lease after the last renewal. */
class Renewal {
  /** Clock that `renewAt` is expressed in (its `monotonic()`). */
  readonly clock: Clock;
  /** Renews, then updates `renewAt`. Never rejects. */
  readonly renew: () => Promise<void>;
  /** Monotonic instant of the next renewal; `Infinity` while a renewal is in flight. */
  renewAt = 0;
  /** How early a renewal may run to join a batch, in ms. */
  batchWindow = 0;

  constructor(clock: Clock, from: number, leaseMs: number, renew: () => Promise<void>) {
    this.clock = clock;
    this.renew = renew;
    this.schedule(from, leaseMs);
  }

  schedule(from: number, leaseMs: number): void {
    this.renewAt = from + leaseMs / 3;
    this.batchWindow = Math.min(MAX_BATCH_WINDOW_MS, leaseMs / 6);
  }
}

/**
 * The process-wide auto-extend timer. One `unref`'d timer is armed for the earliest renewal; when
 * it fires, every lease due within its batch window is renewed in the same tick, so a process
 * holding many locks sends one pipelined burst instead of one timer and one round trip each.
 * Renewals never reject (a lease handles its own failures), so nothing becomes an unhandled
 * rejection, and a release removes the lease at once.
 */
export class RenewalScheduler {
  readonly #entries = new Set<Renewal>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` at which the armed timer fires. */
  #timerAt = Number.POSITIVE_INFINITY;

  /** Number of scheduled leases (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  /** Schedules `entry` (again, after its `renewAt` changed). */
  add(entry: Renewal): void {
    this.#entries.add(entry);
    const at = performance.now() + Math.max(0, entry.renewAt - entry.clock.monotonic());
    if (at < this.#timerAt) this.#arm(at);
  }

  /** Unschedules `entry`; the timer is cleared once nothing is left. */
  delete(entry: Renewal): void {
    this.#entries.delete(entry);
    if (this.#entries.size === 0) this.#disarm();
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#tick(), timerDelay(at - performance.now()));
    this.#timer.unref?.();
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #tick(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const due: Renewal[] = [];
    for (const entry of this.#entries) {
      if (entry.renewAt - entry.clock.monotonic() <= entry.batchWindow) due.push(entry);
    }
    for (const entry of due) {
      entry.renew().then(
        () => this.#reschedule(entry),
        () => this.#reschedule(entry),
      );
    }
    this.#rearm();
  }

  #reschedule(entry: Renewal): void {
    if (this.#entries.has(entry)) this.add(entry);
  }

  /** Arms the timer for the earliest pending renewal (entries in flight have `renewAt = Infinity`). */
  #rearm(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const entry of this.#entries) {
      earliest = Math.min(earliest, performance.now() + (entry.renewAt - entry.clock.monotonic()));
    }
    if (Number.isFinite(earliest)) this.#arm(Math.max(earliest, performance.now()));
  }
}

/** The scheduler every lock of this process shares. */
export const renewalScheduler = new RenewalScheduler();

/** Fixed part of the clock-drift allowance, in ms (as Redlock adds for the server's expiry granularity). */
const DRIFT_FIXED_MS = 2;

/**
 * How much of a lease is kept back for clock drift between this process and the server:
 * `lease × driftFactor + 2 ms`, as the Redlock algorithm prescribes.
 */
export function driftOf(leaseMs: number, driftFactor: number): number {
  return leaseMs * driftFactor + DRIFT_FIXED_MS;
}

/**
 * The monotonic instant until which a lease granted by a request sent at `sentAt` is valid here:
 * `sentAt + lease − drift`. Measuring from the send (not the reply) makes the time spent in
 * flight count against the lease, so validity = lease − elapsed − drift.
 */
export function validUntil(sentAt: number, leaseMs: number, driftFactor: number): number {
  return sentAt + leaseMs - driftOf(leaseMs, driftFactor);
}

/** The `action` of a `lock` {@link CacheEvent}. */
export type LockAction = Extract<CacheEvent, { type: 'lock' }>['action'];

/**
 * Emits a `lock` event, building it only when someone listens, so uninstrumented locks pay one
 * length check per event.
 */
export function emitLockEvent(
  events: CacheEventEmitter,
  action: LockAction,
  key: string,
  durationMs?: number,
): void {
  if (!events.hasListeners) return;
  events.emit(
    durationMs === undefined ? { type: 'lock', action, key } : { type: 'lock', action, key, durationMs },
  );
}
