import { type Clock, InvalidArgumentError } from '@forno/core';

/**
 * A {@link Clock} that only moves when told to. Pass it to the in-memory fake (or anything taking a
 * `clock`) and call `advance()` to make TTLs and deadlines pass without sleeping.
 */
export class ManualClock implements Clock {
  #wall: number;
  #monotonic = 0;

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

  /** Moves both wall and monotonic time forward by `ms`. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new InvalidArgumentError('ms', 'expected a non-negative number');
    this.#wall += ms;
    this.#monotonic += ms;
  }

  /** Moves only the wall clock (to any value), as an NTP correction would; monotonic time is unaffected. */
  setWallTime(ms: number): void {
    this.#wall = ms;
  }
}
