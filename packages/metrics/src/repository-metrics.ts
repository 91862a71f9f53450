import { type CacheEventEmitter, type CacheRepository, InvalidConfigError } from '@forno/core';
import { instrumentRepository } from '@forno/core/backend';
import { CacheMetrics } from './cache-metrics.js';

/**
 * The one metrics wiring every backend uses for `enableMetrics: true`: a new {@link CacheMetrics}
 * named with `prefix`, the repository's data operations timed (`instrumentRepository`, reporting
 * on `events`), and every event on `events` recorded into the metrics. Throws `InvalidConfigError`
 * (argument `metricsPrefix`) when `prefix` cannot start a metric name.
 *
 * ```ts
 * this.metrics = recordRepositoryMetrics(this, this.#events, config.metricsPrefix);
 * ```
 */
export function recordRepositoryMetrics(
  repository: CacheRepository,
  events: CacheEventEmitter,
  prefix: string,
): CacheMetrics {
  let metrics: CacheMetrics;
  try {
    metrics = new CacheMetrics({ prefix });
  } catch (error) {
    throw new InvalidConfigError('metricsPrefix', 'expected letters, digits and _, starting with a letter', {
      cause: error,
    });
  }
  instrumentRepository(repository, events);
  metrics.attach(events);
  return metrics;
}
