import type { CacheEvent, CircuitState } from '@forno/core';
import type { PizzeriaServices } from '../composition-root.js';
import type { LockCounters } from '../services/cache-performance-monitor.js';

/** What the dashboard shows of one second of the app's life. */
export interface DashboardSample {
  /** End of the second, epoch milliseconds. */
  readonly t: number;
  /** Repository operations per second (the dashboard's own reads are not among them). */
  readonly opsPerSecond: number;
  /** Failed operations per second. */
  readonly errorsPerSecond: number;
  /** Keys found / not found by reads during the second. */
  readonly hits: number;
  readonly misses: number;
  /** Operation latency over the last {@link LATENCY_WINDOW_SECONDS} seconds; null without traffic. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number } | null;
  /** State of the cache's circuit breaker at the end of the second. */
  readonly circuit: CircuitState;
  /** Reads served by the fallback so far. */
  readonly fallbackReads: number;
  readonly redis: { readonly status: string; readonly pingMs: number | null };
  /** Bytes used by Redis (or the fake's estimate); null while it cannot be read. */
  readonly memoryBytes: number | null;
  /** Lock counters so far (more may be added: the page shows every field). */
  readonly locks: LockCounters;
}

/** A change of the circuit breaker's state. */
export interface CircuitTransition {
  readonly t: number;
  readonly state: CircuitState;
  readonly previous: CircuitState;
}

/** Seconds of history kept (and sent to a page that opens). */
export const HISTORY_SECONDS = 300;
/** Latency percentiles are computed over this many seconds of operations. */
export const LATENCY_WINDOW_SECONDS = 10;
/** Latencies kept per second at most (a uniform sample beyond that). */
const LATENCIES_PER_SECOND = 2_000;

/**
 * Samples the app once a second while the server runs: operations, hits, errors and latencies
 * from the metrics' event stream, and the breaker, fallback, lock counters, memory and a PING.
 * Keeps {@link HISTORY_SECONDS} of samples, so a page that opens (or reloads) sees the last
 * minutes at once.
 */
export class DashboardSampler {
  readonly #services: PizzeriaServices;
  readonly #intervalMs: number;
  readonly #samples: DashboardSample[] = [];
  readonly #transitions: CircuitTransition[] = [];
  readonly #latencyWindow: number[][] = [];
  #current = { ops: 0, errors: 0, hits: 0, misses: 0, seen: 0, latencies: [] as number[] };
  #timer: NodeJS.Timeout | undefined;
  #stopListening: (() => void) | undefined;
  #sampling = false;

  constructor(services: PizzeriaServices, options: { readonly intervalMs?: number } = {}) {
    this.#services = services;
    this.#intervalMs = options.intervalMs ?? 1_000;
  }

  /** Starts listening and sampling (idempotent). */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#stopListening = this.#services.monitor.metrics.onEvent((event) => this.#record(event));
    this.#timer = setInterval(() => void this.sample(), this.#intervalMs);
    this.#timer.unref();
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stopListening?.();
    this.#stopListening = undefined;
  }

  /** Samples taken after `since` (epoch ms), oldest first. */
  samplesSince(since = 0): DashboardSample[] {
    return this.#samples.filter((sample) => sample.t > since);
  }

  /** The latest circuit transitions, oldest first. */
  get transitions(): readonly CircuitTransition[] {
    return this.#transitions;
  }

  /** Takes one sample now (the timer calls it every second; tests call it directly). */
  async sample(): Promise<DashboardSample | undefined> {
    if (this.#sampling) return undefined; // a slow PING or INFO: skip this second
    this.#sampling = true;
    try {
      const second = this.#current;
      this.#current = { ops: 0, errors: 0, hits: 0, misses: 0, seen: 0, latencies: [] };
      this.#latencyWindow.push(second.latencies);
      if (this.#latencyWindow.length > LATENCY_WINDOW_SECONDS) this.#latencyWindow.shift();
      const [health, summary] = await Promise.all([
        this.#services.health(),
        this.#services.monitor.getPerformanceSummary(),
      ]);
      const seconds = this.#intervalMs / 1_000;
      const sample: DashboardSample = {
        t: Date.now(),
        opsPerSecond: second.ops / seconds,
        errorsPerSecond: second.errors / seconds,
        hits: second.hits,
        misses: second.misses,
        latencyMs: percentiles(this.#latencyWindow.flat()),
        circuit: health.circuitBreaker,
        fallbackReads: summary.fallbackReads,
        redis: { status: health.redis.status, pingMs: health.redis.latencyMs },
        memoryBytes: summary.memoryUsage,
        locks: summary.locks,
      };
      this.#samples.push(sample);
      if (this.#samples.length > HISTORY_SECONDS) this.#samples.shift();
      return sample;
    } finally {
      this.#sampling = false;
    }
  }

  #record(event: CacheEvent): void {
    if (event.type === 'circuit') {
      this.#transitions.push({ t: Date.now(), state: event.state, previous: event.previous });
      if (this.#transitions.length > 50) this.#transitions.shift();
      return;
    }
    if (event.type !== 'operation') return;
    const second = this.#current;
    second.ops++;
    if (event.outcome === 'error') second.errors++;
    if (event.outcome === 'hit') second.hits++;
    if (event.outcome === 'miss') second.misses++;
    second.hits += event.hits ?? 0;
    second.misses += event.misses ?? 0;
    // Reservoir sampling: every operation of the second has the same chance to be kept.
    second.seen++;
    if (second.latencies.length < LATENCIES_PER_SECOND) second.latencies.push(event.durationMs);
    else {
      const slot = Math.floor(Math.random() * second.seen);
      if (slot < LATENCIES_PER_SECOND) second.latencies[slot] = event.durationMs;
    }
  }
}

/** p50, p95 and p99 of `values` (nearest rank), rounded to µs; null when empty. */
export function percentiles(values: readonly number[]): DashboardSample['latencyMs'] {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => {
    const value = sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
    return Math.round(value * 1_000) / 1_000;
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
