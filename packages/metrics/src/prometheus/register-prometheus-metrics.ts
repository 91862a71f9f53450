import { assertKnownOptions, InvalidArgumentError, InvalidConfigError } from '@forno/core';
import type { Metric, Registry } from 'prom-client';
import type { CacheMetrics } from '../cache-metrics.js';
import { assertLabels } from '../labels.js';
import type { Labels, MetricDescriptor } from '../metric-types.js';
import { FamilyCollector, FORNO_COLLECTOR } from './family-collector.js';

/** The part of a prom-client `Registry` the exporter uses (any prom-client 15 registry has it). */
export type PrometheusRegistry = Pick<Registry, 'registerMetric' | 'getSingleMetric' | 'removeSingleMetric'>;

/** Options of {@link registerPrometheusMetrics}. */
export interface PrometheusMetricsOptions {
  /**
   * The prom-client registry to register in: pass yours explicitly (for the global default,
   * `register` from prom-client). Required, so libraries never write into a registry by surprise.
   */
  readonly registry: PrometheusRegistry;
  /**
   * Labels added to every series, e.g. `{ cache: 'sessions' }`. Constant per registration, so they
   * cannot explode cardinality; a `key` label is refused all the same.
   */
  readonly labels?: Labels;
}

/** Registrations by registry, then by prefix: a second call replaces the first instead of crashing. */
const registrations = new WeakMap<object, Map<string, () => void>>();

/**
 * Exposes every metric of `metrics` in a prom-client registry, named `<prefix>_<name>`:
 * `forno_cache_requests_total{operation="get",result="hit"}`, `forno_operation_duration_seconds`...
 * Values are read from `metrics` at scrape time (nothing is recorded twice), and metrics you
 * record later appear on the next scrape.
 *
 * Registering again in the same registry with the same prefix (a repository created twice, a hot
 * reload, a test) replaces the earlier registration instead of throwing prom-client's "already
 * registered" error. A metric of the same name registered by someone else is never replaced: that
 * throws `InvalidConfigError` (choose another `prefix`). Returns a function that unregisters.
 *
 * ```ts
 * import { Registry } from 'prom-client';
 * const registry = new Registry();
 * registerPrometheusMetrics(redis.metrics!, { registry });
 * app.get('/metrics', async () => registry.metrics());
 * ```
 */
export function registerPrometheusMetrics(
  metrics: CacheMetrics,
  options: PrometheusMetricsOptions,
): () => void {
  if (typeof metrics?.snapshot !== 'function' || typeof metrics.onFamilyCreated !== 'function') {
    throw new InvalidArgumentError('metrics', 'expected a CacheMetrics');
  }
  assertKnownOptions(options, { registry: 'any', labels: 'any' });
  const registry = options?.registry;
  if (typeof registry?.registerMetric !== 'function' || typeof registry.getSingleMetric !== 'function') {
    throw new InvalidConfigError('options.registry', 'expected a prom-client Registry');
  }
  const constantLabels = { ...(options.labels ?? {}) };
  assertLabels(constantLabels, 'labels');

  const byPrefix = registrations.get(registry) ?? new Map<string, () => void>();
  registrations.set(registry, byPrefix);
  byPrefix.get(metrics.prefix)?.();

  const registered: FamilyCollector[] = [];
  const register = (descriptor: MetricDescriptor) => {
    const name = metrics.prefix === '' ? descriptor.name : `${metrics.prefix}_${descriptor.name}`;
    const existing = registry.getSingleMetric(name) as object | undefined;
    if (existing !== undefined) {
      if (!(FORNO_COLLECTOR in existing)) {
        throw new InvalidConfigError(
          'registry',
          `a metric named ${name} is already registered by another library; give CacheMetrics another prefix`,
        );
      }
      registry.removeSingleMetric(name);
    }
    const collector = new FamilyCollector(metrics, descriptor, name, constantLabels);
    registry.registerMetric(collector as unknown as Metric);
    registered.push(collector);
  };

  const unregister = () => {
    stopWatching();
    for (const collector of registered.splice(0)) {
      // `collector.name` may have been rewritten by an OpenMetrics scrape; the registry keys by the original.
      for (const name of new Set([collector.name, `${collector.name}_total`])) {
        if (registry.getSingleMetric(name) === (collector as unknown)) registry.removeSingleMetric(name);
      }
    }
    if (byPrefix.get(metrics.prefix) === unregister) byPrefix.delete(metrics.prefix);
  };

  const stopWatching = metrics.onFamilyCreated(register);
  try {
    for (const family of metrics.snapshot().families) register(family);
  } catch (error) {
    unregister();
    throw error;
  }
  byPrefix.set(metrics.prefix, unregister);
  return unregister;
}
