import { type Clock, InvalidArgumentError } from '@forno/core';

/** A callback waiting for the manual clock to reach its due time. */
interface PendingTimer {
  readonly due: number;
  readonly order: number;
  readonly callback: () => void;
}

/**
 * A {@link Clock} that only moves when told to. Pass it to the in-memory fake, the resilience
 * policies (or anything taking a `clock`) and call `advance()` to make TTLs, deadlines and
 * scheduled waits pass without sleeping.
 */
export class ManualClock implements Clock {
  #wall: number;
  #monotonic = 0;
  #nextOrder = 0;
  readonly #pending = new Set<PendingTimer>();

  /** Starts at `startAt` wall-clock milliseconds (default: a fixed date, for reproducible tests). */
  constructor(startAt = Date.UTC(2026, 0, 1)) {
    this.#wall = startAt;
  }

  now(): number {
    return this.#wall;
  }

  monotonic(): number {
    return this.#monotonic;
  }

  /** Schedules `callback` to run in the `advance()` that moves monotonic time `ms` further (a 0 ms wait: the next `advance`). */
  setTimeout(callback: () => void, ms: number): unknown {
    const timer: PendingTimer = {
      due: this.#monotonic + Math.max(0, ms),
      order: this.#nextOrder++,
      callback,
    };
    this.#pending.add(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as PendingTimer);
  }

  /** How many scheduled callbacks have not run yet. */
  get pendingTimers(): number {
    return this.#pending.size;
  }

  /**
   * Moves both wall and monotonic time forward by `ms`, running every scheduled callback that falls
   * due on the way, in due-time order (callbacks see the clock at their due time).
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new InvalidArgumentError('ms', 'expected a non-negative number');
    const target = this.#monotonic + ms;
    for (let timer = this.#nextDue(target); timer !== undefined; timer = this.#nextDue(target)) {
      this.#pending.delete(timer);
      this.#wall += timer.due - this.#monotonic;
      this.#monotonic = timer.due;
      timer.callback();
    }
    this.#wall += target - this.#monotonic;
    this.#monotonic = target;
  }

  /** Moves only the wall clock (to any value), as an NTP correction would; monotonic time is unaffected. */
  setWallTime(ms: number): void {
    this.#wall = ms;
  }

  /** The earliest pending timer due at or before `target`, first scheduled first among equals. */
  #nextDue(target: number): PendingTimer | undefined {
    let next: PendingTimer | undefined;
    for (const timer of this.#pending) {
      if (timer.due > target) continue;
      if (next === undefined || timer.due < next.due || (timer.due === next.due && timer.order < next.order))
        next = timer;
    }
    return next;
  }
}
