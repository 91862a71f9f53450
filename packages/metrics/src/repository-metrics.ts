import { type CacheEventEmitter, InvalidConfigError } from '@forno/core';
import { instrumentRawCommands, type RawCommands } from '@forno/core/backend';
import { CacheMetrics } from './cache-metrics.js';

/** What {@link recordRepositoryMetrics} returns: the metrics, and the raw commands that feed them. */
export interface MeteredRawCommands {
  /** Where the repository's events are recorded. */
  readonly metrics: CacheMetrics;
  /** The backend's raw commands, timed: give them to `BaseCacheRepository` instead of the originals. */
  readonly raw: RawCommands;
}

/**
 * The one metrics wiring every backend uses for `enableMetrics: true`: a new {@link CacheMetrics}
 * named with `prefix`, the backend's raw commands timed (`instrumentRawCommands`, reporting on
 * `events`), and every event on `events` recorded into the metrics. The backend passes the returned
 * `raw` to `BaseCacheRepository`; without metrics it passes its own raw commands, untouched. Throws
 * `InvalidConfigError` (argument `options.metricsPrefix`) when `prefix` cannot start a metric name.
 *
 * ```ts
 * const metered = config.enableMetrics ? recordRepositoryMetrics(raw, events, config.metricsPrefix) : undefined;
 * super(metered?.raw ?? raw, { serializer, keyPrefix });
 * ```
 */
export function recordRepositoryMetrics(
  raw: RawCommands,
  events: CacheEventEmitter,
  prefix: string,
): MeteredRawCommands {
  let metrics: CacheMetrics;
  try {
    metrics = new CacheMetrics({ prefix });
  } catch (error) {
    throw new InvalidConfigError(
      'options.metricsPrefix',
      'expected letters, digits and _, starting with a letter',
      { cause: error },
    );
  }
  const timed = instrumentRawCommands(raw, events);
  metrics.attach(events);
  return { metrics, raw: timed };
}
