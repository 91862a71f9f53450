/** The traffic part of a performance summary, as `CacheMetrics` counts it. */
export interface OperationSummary {
  /** Repository calls recorded (a multi-key read is one call), failures included. */
  readonly totalOperations: number;
  /** Keys found by reads (`get`, `hget`, `hgetall`, and each key of `mget`). */
  readonly cacheHits: number;
  /** Keys not found by reads. */
  readonly cacheMisses: number;
  /** `cacheHits / (cacheHits + cacheMisses)`, or 0 before the first read. */
  readonly hitRatio: number;
}

/**
 * A performance summary: traffic from the metrics plus the repository's own view of
 * its connections and memory.
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

/** What the repository measures itself for {@link buildPerformanceSummary}. */
export interface RepositoryMeasurements {
  readonly activeConnections: number;
  readonly memoryUsage: number;
}

const NO_TRAFFIC: OperationSummary = Object.freeze({
  totalOperations: 0,
  cacheHits: 0,
  cacheMisses: 0,
  hitRatio: 0,
});

/**
 * Combines the traffic counted by a `CacheMetrics` (or none, when metrics are disabled) with the
 * repository's measurements into a {@link PerformanceSummary}.
 */
export function buildPerformanceSummary(
  metrics: { summary(): OperationSummary } | undefined,
  measurements: RepositoryMeasurements,
): PerformanceSummary {
  return {
    ...(metrics?.summary() ?? NO_TRAFFIC),
    activeConnections: measurements.activeConnections,
    memoryUsage: measurements.memoryUsage,
    metricsEnabled: metrics !== undefined,
  };
}
