import type { Clock } from '@forno/core';

/** How often a cycle runs while keys with a TTL exist: Redis' default `hz 10`. */
const INTERVAL_MS = 100;
/** Keys examined per round; another round follows while more than a quarter of them had expired. */
const ROUND = 20;
const REPEAT_ABOVE = 0.25;
/** Most keys examined by one cycle, so a cycle stays around a millisecond. */
const MAX_PER_CYCLE = 20_000;

/** What the cycle needs from the store. */
export interface ExpiryTarget {
  readonly clock: Clock;
  /** Keys that had a TTL when last set (some may have lost it, or be gone, since). */
  readonly volatile: Set<string>;
  /** The key's expiry time, or `undefined` when it has none or is gone. */
  expiresAt(key: string): number | undefined;
  /** Removes an expired key. */
  remove(key: string): void;
}

/**
 * Redis' active expire cycle for the in-memory store: expired keys are removed even when nothing
 * touches them, a bounded step at a time. A cycle samples keys with a TTL in rounds of 20, going
 * on while more than a quarter of a round had expired (at most 20,000 keys per cycle). Cycles run
 * every 100 ms while there is something to do; after a whole pass over the keys with a TTL finds
 * none expired, the next cycle is planned for when the earliest of them expires. The timers are
 * `unref`'d (they never keep a process alive) and hold the store only weakly (a store nobody uses
 * any more is garbage-collected, and its timers stop). Expiry is judged by the store's clock.
 */
export class ActiveExpiry {
  readonly #target: WeakRef<ExpiryTarget>;
  readonly #background: boolean;
  #cursor: Iterator<string> | undefined;
  #passExpired = 0;
  #passEarliest = Number.POSITIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #due = Number.POSITIVE_INFINITY;

  /**
   * @param target What to expire; held weakly, so its owner must hold it.
   * @param background Run cycles on timers; `false` leaves them to {@link cycle} calls.
   */
  constructor(target: ExpiryTarget, background: boolean) {
    this.#target = new WeakRef(target);
    this.#background = background;
  }

  /** Plans a cycle within the normal interval (called when a key gets a TTL). */
  wake(): void {
    if (this.#background) this.#plan(INTERVAL_MS);
  }

  /** Cancels the planned cycle (the store was flushed). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due = Number.POSITIVE_INFINITY;
  }

  /** Runs one cycle now; returns how many keys it removed. */
  cycle(): number {
    const target = this.#target.deref();
    if (target === undefined) return 0;
    const now = target.clock.now();
    let examined = 0;
    let removed = 0;
    let passEnded = false;
    while (examined < MAX_PER_CYCLE && !passEnded) {
      let expiredInRound = 0;
      let inRound = 0;
      for (; inRound < ROUND; inRound++) {
        this.#cursor ??= target.volatile.values();
        const next = this.#cursor.next();
        if (next.done) {
          passEnded = true;
          break;
        }
        const key = next.value;
        const expiresAt = target.expiresAt(key);
        if (expiresAt === undefined) {
          target.volatile.delete(key);
        } else if (expiresAt <= now) {
          target.remove(key);
          expiredInRound++;
        } else if (expiresAt < this.#passEarliest) {
          this.#passEarliest = expiresAt;
        }
      }
      examined += inRound;
      removed += expiredInRound;
      this.#passExpired += expiredInRound;
      if (inRound === 0 || expiredInRound <= inRound * REPEAT_ABOVE) break;
    }
    if (passEnded) this.#endPass(target, now);
    return removed;
  }

  #endPass(target: ExpiryTarget, now: number): void {
    const { volatile } = target;
    const expired = this.#passExpired;
    const earliest = this.#passEarliest;
    this.#cursor = undefined;
    this.#passExpired = 0;
    this.#passEarliest = Number.POSITIVE_INFINITY;
    if (volatile.size === 0) return;
    // Nothing expired in a whole pass: sleep until the earliest key is due.
    if (this.#background && expired === 0 && Number.isFinite(earliest)) {
      this.#plan(Math.max(INTERVAL_MS, earliest - now), true);
    }
  }

  #plan(delayMs: number, replace = false): void {
    const due = performance.now() + delayMs;
    if (this.#timer !== undefined && !replace && this.#due <= due) return;
    clearTimeout(this.#timer);
    this.#due = due;
    const timer = setTimeout(() => {
      this.#timer = undefined;
      this.#due = Number.POSITIVE_INFINITY;
      this.cycle();
      const target = this.#target.deref();
      if (target !== undefined && target.volatile.size > 0 && this.#timer === undefined)
        this.#plan(INTERVAL_MS);
    }, delayMs);
    timer.unref();
    this.#timer = timer;
  }
}
