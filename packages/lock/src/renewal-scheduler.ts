import type { Clock } from '@forno/core';
import { timerDelay } from './timer-delay.js';

/** Something the scheduler renews: a held lease with auto-extend on. */
export interface Renewable {
  /** Clock that `renewAt` is expressed in (its `monotonic()`). */
  readonly clock: Clock;
  /** Monotonic instant of the next renewal; `Infinity` while a renewal is in flight. */
  readonly renewAt: number;
  /** How early a renewal may run to join a batch, in ms. */
  readonly batchWindow: number;
  /** Renews, then updates `renewAt`. Must never reject. */
  renew(): Promise<void>;
}

/**
 * The process-wide auto-extend timer. One `unref`'d timer is armed for the earliest renewal; when
 * it fires, every lease due within its batch window is renewed in the same tick, so a process
 * holding many locks sends one pipelined burst instead of one timer and one round trip each.
 * Renewals never reject (a lease handles its own failures), so nothing becomes an unhandled
 * rejection, and a release removes the lease at once.
 */
export class RenewalScheduler {
  readonly #entries = new Set<Renewable>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** `performance.now()` at which the armed timer fires. */
  #timerAt = Number.POSITIVE_INFINITY;

  /** Number of scheduled leases (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  /** Schedules `entry` (again, after its `renewAt` changed). */
  add(entry: Renewable): void {
    this.#entries.add(entry);
    const at = performance.now() + Math.max(0, entry.renewAt - entry.clock.monotonic());
    if (at < this.#timerAt) this.#arm(at);
  }

  /** Unschedules `entry`; the timer is cleared once nothing is left. */
  delete(entry: Renewable): void {
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
    const due: Renewable[] = [];
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

  #reschedule(entry: Renewable): void {
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
