import { type Clock, systemClock } from '@forno/core';

/** Per-client budgets of the HTTP API. */
export interface RateLimitOptions {
  /** Requests per client per window, any method. Default 300. */
  readonly max?: number;
  /**
   * Writes (POST, PUT, PATCH, DELETE) and refused admin credentials per client per window, on top
   * of `max`. Default 60: enough for a customer and a cook, not for flooding the cache or guessing
   * the admin token.
   */
  readonly writeMax?: number;
  /** Length of a window in milliseconds. Default 60 000. */
  readonly timeWindow?: number;
  /** Clients tracked at once (default 10 000); when full, expired windows and then the oldest are dropped. */
  readonly maxClients?: number;
  readonly clock?: Clock;
}

/** A budget a request is counted against. */
export type RateBucket = 'any' | 'write';

/** Outcome of {@link RateLimiter.take}. */
export interface RateDecision {
  readonly allowed: boolean;
  /** Milliseconds until the client's window ends (when refused: when to retry). */
  readonly retryAfterMs: number;
}

interface Window {
  readonly start: number;
  count: number;
}

/**
 * Fixed-window counters per client and bucket, in this process: a client that used its budget of a
 * window is refused until the window ends. Memory is bounded by `maxClients`. A fleet of app
 * instances behind a load balancer would keep these counters in a shared store instead (Redis
 * `INCR` + `PEXPIRE`); per process is enough for the reference app and keeps the limiter working
 * while the cache is down.
 */
export class RateLimiter {
  readonly max: number;
  readonly writeMax: number;
  readonly timeWindow: number;
  readonly #maxClients: number;
  readonly #clock: Clock;
  readonly #windows = new Map<string, Window>();

  constructor(options: RateLimitOptions = {}) {
    this.max = options.max ?? 300;
    this.writeMax = options.writeMax ?? 60;
    this.timeWindow = options.timeWindow ?? 60_000;
    this.#maxClients = options.maxClients ?? 10_000;
    this.#clock = options.clock ?? systemClock;
  }

  /** Counts one request of `client` against `bucket`; refused once the bucket's budget is spent. */
  take(client: string, bucket: RateBucket): RateDecision {
    const now = this.#clock.monotonic();
    const key = `${bucket} ${client}`;
    let window = this.#windows.get(key);
    if (window === undefined || now - window.start >= this.timeWindow) {
      this.#windows.delete(key);
      this.#makeRoom(now);
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count += 1;
    const limit = bucket === 'any' ? this.max : this.writeMax;
    return { allowed: window.count <= limit, retryAfterMs: window.start + this.timeWindow - now };
  }

  #makeRoom(now: number): void {
    if (this.#windows.size < this.#maxClients) return;
    for (const [key, window] of this.#windows) {
      if (now - window.start >= this.timeWindow) this.#windows.delete(key);
    }
    // Still full of live windows: forget the oldest (Map keeps insertion order).
    for (const key of this.#windows.keys()) {
      if (this.#windows.size < this.#maxClients) break;
      this.#windows.delete(key);
    }
  }
}
