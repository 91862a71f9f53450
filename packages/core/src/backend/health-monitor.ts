import { notifySafely } from '../instrumentation.js';

/** The latest result of the periodic health check. */
export interface HealthState {
  /**
   * Whether the repository is connected and the last PING succeeded: false before the first
   * connection, after a permanent failure (`error` says why) and after `disconnect()`.
   */
  readonly healthy: boolean;
  /** Round-trip time of the last successful PING, in ms. */
  readonly latencyMs: number | undefined;
  /** When the last check finished (epoch ms), or undefined before the first one. */
  readonly checkedAt: number | undefined;
  /** Consecutive failed checks. */
  readonly consecutiveFailures: number;
  /** Why the last check failed. */
  readonly error: Error | undefined;
}

/** Receives the health state whenever `healthy` flips. */
export type HealthListener = (state: HealthState) => void;

/**
 * The `healthCheckInterval` check of both Redis drivers: PINGs the server every `intervalMs` (the timer does not keep
 * the process alive; `false` for no periodic check) and reports when health changes, so dashboards
 * and readiness probes can see an outage before a request hits it. Connection events mark it
 * healthy or unhealthy between checks ({@link markHealthy}, {@link markUnhealthy}).
 */
export class HealthMonitor {
  readonly #ping: () => Promise<number>;
  readonly #intervalMs: number | false;
  readonly #listeners = new Set<HealthListener>();
  #timer: NodeJS.Timeout | undefined;
  #checking = false;
  #state: HealthState = {
    healthy: false,
    latencyMs: undefined,
    checkedAt: undefined,
    consecutiveFailures: 0,
    error: undefined,
  };

  constructor(ping: () => Promise<number>, intervalMs: number | false) {
    this.#ping = ping;
    this.#intervalMs = intervalMs;
  }

  /** The latest result. */
  get state(): HealthState {
    return this.#state;
  }

  /** Adds a listener for health changes; returns a function that removes it. */
  onChange(listener: HealthListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts the periodic check (idempotent; nothing without an interval). */
  start(): void {
    if (this.#timer !== undefined || this.#intervalMs === false) return;
    this.#timer = setInterval(() => void this.check(), this.#intervalMs);
    this.#timer.unref();
  }

  /** Stops the periodic check. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Records a working connection (the repository became ready). */
  markHealthy(): void {
    if (this.#state.healthy) return;
    this.#set({
      ...this.#state,
      healthy: true,
      checkedAt: Date.now(),
      consecutiveFailures: 0,
      error: undefined,
    });
  }

  /** Records a failure seen without a check: a permanent connection failure, a closed repository. */
  markUnhealthy(error: Error): void {
    this.#set({ ...this.#state, healthy: false, checkedAt: Date.now(), error });
  }

  /** Runs one check now and resolves with the new state. Never rejects. */
  async check(): Promise<HealthState> {
    if (this.#checking) return this.#state;
    this.#checking = true;
    const before = this.#state.healthy;
    try {
      const latencyMs = await this.#ping();
      this.#state = {
        healthy: true,
        latencyMs,
        checkedAt: Date.now(),
        consecutiveFailures: 0,
        error: undefined,
      };
    } catch (error) {
      this.#state = {
        ...this.#state,
        healthy: false,
        checkedAt: Date.now(),
        consecutiveFailures: this.#state.consecutiveFailures + 1,
        error: error instanceof Error ? error : new Error(String(error)),
      };
    } finally {
      this.#checking = false;
    }
    if (this.#state.healthy !== before) this.#notify();
    return this.#state;
  }

  #set(state: HealthState): void {
    const before = this.#state.healthy;
    this.#state = state;
    if (state.healthy !== before) this.#notify();
  }

  #notify(): void {
    for (const listener of this.#listeners) notifySafely(listener, this.#state);
  }
}
