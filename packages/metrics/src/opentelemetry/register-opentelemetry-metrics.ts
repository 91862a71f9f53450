import { assertKnownOptions, InvalidArgumentError, InvalidConfigError } from '@forno/core';
import type { Attributes, Meter, Observable, ObservableResult } from '@opentelemetry/api';
import type { CacheMetrics } from '../cache-metrics.js';
import type { MetricDescriptor } from '../metric-types.js';
import { DurationRecorder } from './duration-recorder.js';
import { DB_SYSTEM_NAME, otelNameOf } from './otel-names.js';

/** Options of {@link registerOpenTelemetryMetrics}. */
export interface OpenTelemetryMetricsOptions {
  /** The meter to create instruments on, e.g. `metrics.getMeter('forno')` from `@opentelemetry/api`. */
  readonly meter: Meter;
  /**
   * Attributes added to every measurement: typically `server.address`, `server.port` and
   * `db.namespace` (the database index), which the database client conventions recommend.
   */
  readonly attributes?: Attributes;
}

/** Registrations by meter, then by prefix: a second call replaces the first (no double counting). */
const registrations = new WeakMap<object, Map<string, () => void>>();

/**
 * Reports `metrics` to OpenTelemetry through `meter`:
 * - `db.client.operation.duration` (seconds, with the advised buckets `DB_CLIENT_DURATION_BUCKETS`),
 *   one measurement per repository operation with `db.system.name: "redis"`, `db.operation.name`
 *   (the operation, e.g. `get`, `hset`, `deletePattern`) and `error.type` (the Forno error code,
 *   e.g. `E_CACHE_TIMEOUT`) on failures, following the database client semantic conventions;
 * - every counter and gauge of `metrics`, built-in or your own, as an observable instrument read at
 *   collection time, named `<prefix>.<name>` without `_total` (`forno.cache_requests`);
 * - lock wait and hold durations as histograms `<prefix>.lock_wait` and `<prefix>.lock_hold` (s),
 *   and hybrid-cache factory durations as `<prefix>.hybrid_cache_factory_duration` (s).
 *
 * Histograms you record yourself with `observeHistogram` are not bridged (OpenTelemetry has no
 * observable histogram): record those on your meter directly. Registering again on the same meter
 * with the same prefix replaces the earlier registration. Returns a function that stops reporting
 * (instruments stay defined on the meter, as OpenTelemetry cannot delete them).
 *
 * ```ts
 * import { metrics as otel } from '@opentelemetry/api';
 * registerOpenTelemetryMetrics(redis.metrics!, { meter: otel.getMeter('forno') });
 * ```
 */
export function registerOpenTelemetryMetrics(
  metrics: CacheMetrics,
  options: OpenTelemetryMetricsOptions,
): () => void {
  if (typeof metrics?.onEvent !== 'function' || typeof metrics.onFamilyCreated !== 'function') {
    throw new InvalidArgumentError('metrics', 'expected a CacheMetrics');
  }
  assertKnownOptions(options, { meter: 'any', attributes: 'any' });
  const meter = options?.meter;
  if (typeof meter?.createHistogram !== 'function') {
    throw new InvalidConfigError('options.meter', 'expected an OpenTelemetry Meter');
  }
  const base: Attributes = { ...options.attributes, 'db.system.name': DB_SYSTEM_NAME };

  const byPrefix = registrations.get(meter) ?? new Map<string, () => void>();
  registrations.set(meter, byPrefix);
  byPrefix.get(metrics.prefix)?.();

  const durations = new DurationRecorder(meter, metrics.prefix, base);
  const stopEvents = metrics.onEvent((event) => durations.record(event));
  const observed: Array<() => void> = [];
  const observe = (descriptor: MetricDescriptor) => {
    if (descriptor.type === 'histogram') return;
    const name = otelNameOf(metrics.prefix, descriptor);
    const instrument: Observable =
      descriptor.type === 'counter'
        ? meter.createObservableCounter(name, { description: descriptor.help })
        : meter.createObservableGauge(name, { description: descriptor.help });
    const callback = (result: ObservableResult) => {
      const family = metrics.family(descriptor.name);
      if (family === undefined || family.type === 'histogram') return;
      for (const { labels, value } of family.samples)
        result.observe(value, { ...options.attributes, ...labels });
    };
    instrument.addCallback(callback);
    observed.push(() => instrument.removeCallback(callback));
  };
  const stopWatching = metrics.onFamilyCreated(observe);
  for (const family of metrics.snapshot().families) observe(family);

  const unregister = () => {
    stopEvents();
    stopWatching();
    for (const remove of observed.splice(0)) remove();
    if (byPrefix.get(metrics.prefix) === unregister) byPrefix.delete(metrics.prefix);
  };
  byPrefix.set(metrics.prefix, unregister);
  return unregister;
}
