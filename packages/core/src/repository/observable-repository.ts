import type { CacheEventSource } from '../instrumentation.js';
import type { CacheRepository } from './cache-repository.js';
import type { LockBackend } from './lock-primitives.js';

/** The traffic part of a {@link PerformanceSummary}, as the repository's metrics count it. */
export interface OperationSummary {
  /** Backend round trips recorded (a multi-key read is one), failures included. */
  readonly totalOperations: number;
  /** Keys found by reads (`get`, `hget`, `hgetall`, and each key of `mget`). */
  readonly cacheHits: number;
  /** Keys not found by reads. */
  readonly cacheMisses: number;
  /** `cacheHits / (cacheHits + cacheMisses)`, or 0 before the first read. */
  readonly hitRatio: number;
}

/**
 * A repository's performance summary: traffic from its metrics plus its own view of its
 * connections and memory.
 */
export interface PerformanceSummary extends OperationSummary {
  /** Connections that are ready (on the in-memory fake: 1 while connected). */
  readonly activeConnections: number;
  /** Bytes used: Redis' `used_memory` (summed over Cluster primaries), or the fake's estimate. */
  readonly memoryUsage: number;
  /**
   * Whether the repository records metrics. When `false` the traffic fields are all 0 (nothing was
   * counted), while `activeConnections` and `memoryUsage` are still measured.
   */
  readonly metricsEnabled: boolean;
}

/**
 * What a repository lets you observe: its events (`connection`, and `operation` with metrics on),
 * the metrics it records (`TMetrics`: a `CacheMetrics` of `@forno/metrics` for Forno's backends) and
 * a performance summary. Every Forno backend implements it, and `CacheRepositoryDecorator` forwards
 * it to the repository it wraps, so a wrapped repository is observed like the one inside.
 *
 * ```ts
 * const summary = await repository.getPerformanceSummary(); // { totalOperations, hitRatio, ... }
 * ```
 */
export interface ObservableRepository<TMetrics = unknown> extends CacheEventSource {
  /** The metrics recorded with `enableMetrics: true`; `undefined` when metrics are off. */
  readonly metrics: TMetrics | undefined;
  /**
   * Operations, hits, misses and hit ratio (all 0, with `metricsEnabled: false`, when metrics are
   * off), ready connections and memory used.
   */
  getPerformanceSummary(): Promise<PerformanceSummary>;
}

/**
 * Everything a Forno backend offers, in three parts: the data commands (`CacheRepository`), what
 * locks need (`LockBackend`) and what can be observed (`ObservableRepository`). `RedisRepository`,
 * `NodeRedisRepository` and `InMemoryCacheRepository` are one; a `CacheRepositoryDecorator`
 * (`ResilientCacheRepository`, `ChaosCacheRepository`) wraps one and is one itself. Code that needs
 * only one part takes that part.
 */
export interface CacheBackend<TMetrics = unknown>
  extends CacheRepository,
    LockBackend,
    ObservableRepository<TMetrics> {
  /** Prefix prepended to every key and channel, data and locks alike, e.g. `'mario_pizzeria:'`. */
  readonly keyPrefix: string;
}
