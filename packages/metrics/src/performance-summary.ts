import type { OperationSummary, PerformanceSummary } from '@forno/core';

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
