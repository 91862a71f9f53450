import type { MetricDescriptor } from '../metric-types.js';

/** `db.system.name` of every measurement: the OpenTelemetry well-known value for Redis. */
export const DB_SYSTEM_NAME = 'redis';

/** The OpenTelemetry database client duration histogram: its name, unit and description. */
export const DB_CLIENT_OPERATION_DURATION = Object.freeze({
  name: 'db.client.operation.duration',
  unit: 's',
  description: 'Duration of database client operations.',
});

/** `error.type` when a failure carries no Forno error code. */
export const OTHER_ERROR_TYPE = '_OTHER';

/**
 * The OpenTelemetry name of a `CacheMetrics` family: `<prefix>.<name>`, without Prometheus'
 * `_total` (counters) and `_seconds` (durations, reported with unit `s`) suffixes.
 */
export function otelNameOf(prefix: string, descriptor: MetricDescriptor): string {
  const base = descriptor.name.replace(/_total$/, '').replace(/_seconds$/, '');
  return prefix === '' ? base : `${prefix}.${base}`;
}
