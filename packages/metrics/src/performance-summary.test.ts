import { describe, expect, it } from 'vitest';
import { CacheMetrics } from './cache-metrics.js';
import { buildPerformanceSummary } from './performance-summary.js';

describe('buildPerformanceSummary', () => {
  it('combines the traffic of the metrics with the repository measurements', () => {
    const metrics = new CacheMetrics();
    metrics.record({ type: 'operation', operation: 'get', outcome: 'hit', durationMs: 1 });
    metrics.record({ type: 'operation', operation: 'get', outcome: 'miss', durationMs: 1 });
    metrics.record({ type: 'operation', operation: 'get', outcome: 'hit', durationMs: 1 });
    metrics.record({ type: 'operation', operation: 'set', outcome: 'ok', durationMs: 1 });
    expect(buildPerformanceSummary(metrics, { activeConnections: 2, memoryUsage: 1_024 })).toEqual({
      totalOperations: 4,
      cacheHits: 2,
      cacheMisses: 1,
      hitRatio: 2 / 3,
      activeConnections: 2,
      memoryUsage: 1_024,
      metricsEnabled: true,
    });
  });

  it('reports zero traffic, but still the measurements, when metrics are disabled', () => {
    expect(buildPerformanceSummary(undefined, { activeConnections: 1, memoryUsage: 900_000 })).toEqual({
      totalOperations: 0,
      cacheHits: 0,
      cacheMisses: 0,
      hitRatio: 0,
      activeConnections: 1,
      memoryUsage: 900_000,
      metricsEnabled: false,
    });
  });
});
