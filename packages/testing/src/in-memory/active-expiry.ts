import type { Clock } from '@forno/core';

/** How often a cycle runs while keys with a TTL exist: Redis' default `hz 10`. */
const INTERVAL_MS = 100;
/** Keys examined per round; another round follows while more than a quarter of them had expired. */
const ROUND = 20;
const REPEAT_ABOVE = 0.25;
/** Keys a cycle examines at least (so a pass over many keys ends), and at most (a millisecond or so). */
const MIN_PER_CYCLE = 1_000;
const MAX_PER_CYCLE = 20_000;

/** What the cycle needs from the store. */
export interface ExpiryTarget {
  readonly clock: Clock;
  /** Keys that had a TTL when last set (some may have lost it, or be gone, since). */
  readonly volatile: Set<string>;
  /** When something at the key expires next (the key, or a field of its hash); `undefined` for nothing or gone. */
  expiresAt(key: string): number | undefined;
  /** Removes what has expired at the key: the key, or the expired fields of its hash (and the hash if emptied). */
  expire(key: string): void;
}

/**
 * Redis' active expire cycle for the in-memory store: expired keys are removed even when nothing
 * touches them, a bounded step at a time. A cycle examines keys with a TTL in rounds of 20 — at
 * least 1,000 keys, and more while over a quarter of a round had expired, up to 20,000. Cycles run
 * every 100 ms from the moment a key gets a TTL until a whole pass over the keys with a TTL finds
 * none expired; the next TTL set starts them again. So expired keys do not pile up while the store
 * is used, no timer runs while it is idle, and `vi.runAllTimers()` terminates (it does not jump to
 * the keys' expiry times). The timers are `unref`'d (they never keep a process alive) and hold the
 * store only weakly (a store nobody uses any more is garbage-collected, and its timers stop).
 * Expiry is judged by the store's clock.
 */
export class ActiveExpiry {
  readonly #target: WeakRef<ExpiryTarget>;
  readonly #background: boolean;
  #cursor: Iterator<string> | undefined;
  #passExpired = 0;
  /** A whole pass found nothing expired: no more cycles until the next `wake()`. */
  #idle = false;
  #timer: NodeJS.Timeout | undefined;

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
    this.#idle = false;
    if (this.#background) this.#plan();
  }

  /** Cancels the planned cycle (the store was flushed). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Runs one cycle now; returns how many keys it expired (removed, or for a hash: some fields). */
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
          target.expire(key);
          expiredInRound++;
        }
      }
      examined += inRound;
      removed += expiredInRound;
      this.#passExpired += expiredInRound;
      if (examined >= MIN_PER_CYCLE && expiredInRound <= inRound * REPEAT_ABOVE) break;
    }
    if (passEnded) {
      this.#idle = this.#passExpired === 0 || target.volatile.size === 0;
      this.#cursor = undefined;
      this.#passExpired = 0;
    }
    return removed;
  }

  #plan(): void {
    if (this.#timer !== undefined) return;
    const timer = setTimeout(() => {
      this.#timer = undefined;
      this.cycle();
      const target = this.#target.deref();
      if (target !== undefined && target.volatile.size > 0 && !this.#idle) this.#plan();
    }, INTERVAL_MS);
    timer.unref();
    this.#timer = timer;
  }
}
