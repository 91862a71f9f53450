import {
  type CacheEventEmitter,
  type CacheRepository,
  type ConnectionStatus,
  InvalidConfigError,
} from '@forno/core';
import {
  buildPerformanceSummary,
  type CacheMetrics,
  INSTRUMENTS,
  type PerformanceSummary,
  recordRepositoryMetrics,
} from '@forno/metrics';
import type { InMemoryStore } from './in-memory-store.js';

/**
 * With `enableMetrics: true`, times the fake's operations (per-instance wrappers, as on
 * `RedisRepository`) and records them, with its connection events, into a new `CacheMetrics`.
 * Returns `undefined` when metrics are disabled: the fake then runs uninstrumented.
 */
export function createInMemoryMetrics(
  repository: CacheRepository,
  events: CacheEventEmitter,
  options: { readonly enableMetrics?: boolean; readonly metricsPrefix?: string },
): CacheMetrics | undefined {
  const { enableMetrics, metricsPrefix } = options;
  if (enableMetrics !== undefined && typeof enableMetrics !== 'boolean') {
    throw new InvalidConfigError('enableMetrics', 'expected a boolean');
  }
  if (metricsPrefix !== undefined && typeof metricsPrefix !== 'string') {
    throw new InvalidConfigError('metricsPrefix', 'expected a string');
  }
  if (enableMetrics !== true) return undefined;
  const metrics = recordRepositoryMetrics(repository, events, metricsPrefix ?? 'forno');
  // The fake is usable at once, without connect(): its one "connection" starts ready.
  metrics.setGauge(INSTRUMENTS.activeConnections.name, 1);
  return metrics;
}

/** The fake's performance summary: its metrics, one connection while ready, the store's estimated memory. */
export function inMemoryPerformanceSummary(
  metrics: CacheMetrics | undefined,
  status: ConnectionStatus,
  store: InMemoryStore,
): PerformanceSummary {
  return buildPerformanceSummary(metrics, {
    activeConnections: status === 'ready' ? 1 : 0,
    memoryUsage: store.estimateMemoryUsage(),
  });
}
