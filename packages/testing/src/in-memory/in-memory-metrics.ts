import type { CacheEventEmitter, ConnectionStatus, PerformanceSummary } from '@forno/core';
import type { RawCommands } from '@forno/core/backend';
import {
  buildPerformanceSummary,
  type CacheMetrics,
  INSTRUMENTS,
  type MeteredRawCommands,
  recordRepositoryMetrics,
} from '@forno/metrics';
import type { InMemoryStore } from './in-memory-store.js';

/**
 * With `enableMetrics: true`, times the fake's raw commands (as on `RedisRepository`) and records
 * them, with its connection events, into a new `CacheMetrics`: the fake then runs the returned
 * `raw`. Returns `undefined` when metrics are disabled: the fake then runs its raw commands as they are.
 */
export function createInMemoryMetrics(
  raw: RawCommands,
  events: CacheEventEmitter,
  options: { readonly enableMetrics?: boolean; readonly metricsPrefix?: string },
): MeteredRawCommands | undefined {
  const { enableMetrics, metricsPrefix } = options;
  // Their types were checked with the other options (`assertKnownOptions`).
  if (enableMetrics !== true) return undefined;
  const metered = recordRepositoryMetrics(raw, events, metricsPrefix ?? 'forno');
  // The fake is usable at once, without connect(): its one "connection" starts ready.
  metered.metrics.setGauge(INSTRUMENTS.activeConnections.name, 1);
  return metered;
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
