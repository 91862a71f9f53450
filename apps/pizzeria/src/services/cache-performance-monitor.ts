import type { HybridCache, HybridCacheStats } from '@forno/cache';
import type {
  CacheEventSource,
  CacheRepository,
  CircuitState,
  ConnectionStatus,
  ObservableRepository,
  OperationSummary,
  PerformanceSummary as RepositorySummary,
} from '@forno/core';
import { CacheMetrics, INSTRUMENTS } from '@forno/metrics';
import { registerPrometheusMetrics } from '@forno/metrics/prometheus';
import { Registry } from 'prom-client';

/** Lock activity, from the `lock_events_total` counter. */
export interface LockCounters {
  readonly acquired: number;
  /** Acquisitions that found the lock held and had to wait. */
  readonly waited: number;
  readonly timeouts: number;
  readonly lost: number;
  readonly released: number;
}

/** Lookups the services reported through `trackCacheOperation`. */
export interface LookupSummary {
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses), 0 before the first lookup. */
  readonly hitRatio: number;
  /** Lookups by service operation, e.g. `menu.get`. */
  readonly byOperation: Readonly<Record<string, number>>;
}

/**
 * The performance summary (`totalOperations`, `cacheHits`, `cacheMisses`, `hitRatio`,
 * `activeConnections`, `memoryUsage`: every repository call, from the repository's own metrics), plus
 * what a pizzeria operator wants next to it.
 */
export interface PerformanceSummary extends Omit<RepositorySummary, 'memoryUsage'> {
  /** Bytes used by Redis (`used_memory`) or the fake's estimate; `null` while the backend is down. */
  readonly memoryUsage: number | null;
  readonly backend: string;
  readonly status: ConnectionStatus;
  readonly circuitState: CircuitState | null;
  /** Service-level lookups (menu reads), which the simulation reports as its hit ratio. */
  readonly lookups: LookupSummary;
  /** Reads answered from the resilient repository's fallback during an outage. */
  readonly fallbackReads: number;
  readonly locks: LockCounters;
  /**
   * The hybrid caches (`@forno/cache`) by name: L1 (in-process) and L2 (Redis) hits with their
   * ratios, misses, stale values served, factory calls, L1 size and the invalidation bus.
   */
  readonly caches: Readonly<Record<string, HybridCacheStats>>;
}

/** Options of {@link CachePerformanceMonitor}. */
export interface CachePerformanceMonitorOptions {
  /** How the backend is described in summaries. */
  readonly backend?: string;
  /** The repository's metrics and summary; without it, a standalone `CacheMetrics` is used. */
  readonly source?: ObservableRepository<CacheMetrics>;
  /** The circuit breaker to report. */
  readonly circuitState?: () => CircuitState;
}

const LOOKUPS = 'service_lookups_total';
/** Metric names of a standalone `CacheMetrics` (the repository's own use its `metricsPrefix`). */
export const METRICS_PREFIX = 'mario_pizzeria_redis';

/**
 * The cache performance monitor, on `@forno/metrics`: the repository records every call
 * (`enableMetrics: true`), the monitor adds the services' lookups, lock events, circuit transitions
 * and fallback reads to the same `CacheMetrics`, and exposes it all as a summary (`/stats`) and in
 * the Prometheus text format (`/metrics`).
 */
export class CachePerformanceMonitor {
  /** Where everything is recorded. */
  readonly metrics: CacheMetrics;
  readonly #repository: CacheRepository;
  readonly #options: CachePerformanceMonitorOptions;
  readonly #registry = new Registry();
  readonly #caches = new Map<string, HybridCache>();

  constructor(repository: CacheRepository, options: CachePerformanceMonitorOptions = {}) {
    this.#repository = repository;
    this.#options = options;
    this.metrics = options.source?.metrics ?? new CacheMetrics({ prefix: METRICS_PREFIX });
    registerPrometheusMetrics(this.metrics, { registry: this.#registry });
  }

  /** Counts a lookup by a service, and a hit or a miss when `hit` is given. */
  trackCacheOperation(operation: string, hit?: boolean): void {
    const result = hit === undefined ? 'ok' : hit ? 'hit' : 'miss';
    this.metrics.incrementCounter(LOOKUPS, { operation, result });
  }

  /** Records every event of `source` (lock events, a circuit breaker); returns a function that stops. */
  observe(source: CacheEventSource): () => void {
    return this.metrics.attach(source);
  }

  /** Reports a hybrid cache in the summary (`caches.<name>`) and its `hybrid_cache_*` metrics. */
  observeCache(name: string, cache: HybridCache): () => void {
    this.#caches.set(name, cache);
    const detach = this.metrics.attach(cache);
    return () => {
      detach();
      this.#caches.delete(name);
    };
  }

  /**
   * Records only the `fallback` and `retry` events of `source`: a `ResilientCacheRepository` also
   * forwards its inner repository's operations, which that repository's metrics already counted.
   */
  observeFallbacks(source: CacheEventSource): () => void {
    return source.onEvent((event) => {
      if (event.type === 'fallback' || event.type === 'retry') this.metrics.record(event);
    });
  }

  /** Hit ratio of the services' lookups, 0 before the first. */
  calculateHitRatio(): number {
    const hits = this.metrics.getCounter(LOOKUPS, { result: 'hit' });
    const total = hits + this.metrics.getCounter(LOOKUPS, { result: 'miss' });
    return total > 0 ? hits / total : 0;
  }

  /** Lock counters so far. */
  get locks(): LockCounters {
    const count = (action: string) => this.metrics.getCounter(INSTRUMENTS.lockEvents.name, { action });
    return {
      acquired: count('acquired'),
      waited: count('waited'),
      timeouts: count('timeout'),
      lost: count('lost'),
      released: count('released'),
    };
  }

  /** Everything at once, for `/stats`. Answers even while the backend is down. */
  async getPerformanceSummary(): Promise<PerformanceSummary> {
    let repository: Omit<RepositorySummary, 'memoryUsage'> & { memoryUsage: number | null };
    try {
      repository = (await this.#options.source?.getPerformanceSummary()) ?? this.#standalone();
    } catch {
      // INFO failed: Redis is down. The traffic is still in the (same) metrics.
      repository = { ...this.#standalone(), activeConnections: 0, memoryUsage: null, metricsEnabled: true };
    }
    const byOperation: Record<string, number> = {};
    for (const sample of this.metrics.family(LOOKUPS)?.samples ?? []) {
      const operation = String(sample.labels.operation);
      byOperation[operation] = (byOperation[operation] ?? 0) + ('value' in sample ? sample.value : 0);
    }
    return {
      ...repository,
      backend: this.#options.backend ?? 'unknown',
      status: this.#repository.status,
      circuitState: this.#options.circuitState?.() ?? null,
      lookups: {
        hits: this.metrics.getCounter(LOOKUPS, { result: 'hit' }),
        misses: this.metrics.getCounter(LOOKUPS, { result: 'miss' }),
        hitRatio: this.calculateHitRatio(),
        byOperation,
      },
      fallbackReads: this.metrics.getCounter(INSTRUMENTS.fallbacks.name, { result: 'hit' }),
      locks: this.locks,
      caches: Object.fromEntries([...this.#caches].map(([name, cache]) => [name, cache.stats()])),
    };
  }

  /** Every metric in the Prometheus text format, and its content type. */
  async prometheus(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.#registry.contentType, body: await this.#registry.metrics() };
  }

  #standalone(): OperationSummary & {
    activeConnections: number;
    memoryUsage: number | null;
    metricsEnabled: boolean;
  } {
    return { ...this.metrics.summary(), activeConnections: 0, memoryUsage: null, metricsEnabled: false };
  }
}
