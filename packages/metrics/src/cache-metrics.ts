import type { OperationSummary } from '@forno/core';
import {
  assertKnownOptions,
  type CacheEvent,
  CacheEventEmitter,
  type CacheEventListener,
  type CacheEventSource,
  InvalidArgumentError,
  InvalidConfigError,
} from '@forno/core';
import { EventRecorder } from './event-recorder.js';
import { DB_CLIENT_DURATION_BUCKETS } from './instruments.js';
import { assertLabels, assertMetricName, matchesLabels } from './labels.js';
import { type FamilyListener, MetricRegistry } from './metric-registry.js';
import type {
  HistogramFamilySnapshot,
  HistogramSample,
  Labels,
  MetricFamilySnapshot,
  MetricsSnapshot,
  MetricType,
  ValueFamilySnapshot,
} from './metric-types.js';

/** Options of {@link CacheMetrics}. */
export interface CacheMetricsOptions {
  /**
   * Prepended by exporters to every metric name: `mario_pizzeria_redis` gives
   * `mario_pizzeria_redis_cache_requests_total` in Prometheus and `mario_pizzeria_redis.cache_requests`
   * in OpenTelemetry. Letters, digits and `_`, starting with a letter; `''` for none. Default `'forno'`.
   */
  readonly prefix?: string;
  /**
   * Bucket upper bounds, in seconds, of every histogram, strictly increasing. Default: the
   * OpenTelemetry advice for database client durations, {@link DB_CLIENT_DURATION_BUCKETS}.
   */
  readonly buckets?: readonly number[];
  /** HELP texts of metrics you record yourself, by name (default: "Custom metric <name>"). */
  readonly help?: Readonly<Record<string, string>>;
}

const PREFIX = /^([a-zA-Z][a-zA-Z0-9_]*)?$/;
const NO_LABELS: Labels = Object.freeze({});

/**
 * Cache metrics, production-grade: counters, gauges and histograms keyed by name and
 * labels (never by cache key), plus built-in instruments fed by {@link CacheEvent}s — requests by
 * operation and result, errors by code, latency per operation, connections, circuit breaker state,
 * retries, fallbacks, locks and the hit ratio (see `INSTRUMENTS`). Exporters for Prometheus
 * (`@forno/metrics/prometheus`) and OpenTelemetry (`@forno/metrics/opentelemetry`) read it.
 *
 * ```ts
 * const metrics = new CacheMetrics({ prefix: 'mario_pizzeria_redis' });
 * metrics.attach(repository);   // operation and connection events
 * metrics.attach(breaker);      // circuit events
 * metrics.incrementCounter('orders_cached');
 * metrics.summary();            // { totalOperations, cacheHits, cacheMisses, hitRatio }
 * ```
 */
export class CacheMetrics implements CacheEventSource {
  /** Prefix exporters prepend to metric names. */
  readonly prefix: string;
  /** Bucket upper bounds (seconds) of every histogram. */
  readonly buckets: readonly number[];
  readonly #registry = new MetricRegistry();
  readonly #recorder: EventRecorder;
  readonly #events = new CacheEventEmitter();
  readonly #help: Readonly<Record<string, string>>;

  constructor(options: CacheMetricsOptions = {}) {
    assertKnownOptions(options, { prefix: 'string', buckets: 'any', help: 'any' });
    const prefix = options.prefix ?? 'forno';
    if (!PREFIX.test(prefix)) {
      throw new InvalidConfigError(
        'options.prefix',
        'expected letters, digits and _, starting with a letter',
      );
    }
    this.prefix = prefix;
    this.buckets = Object.freeze(validBuckets(options.buckets ?? DB_CLIENT_DURATION_BUCKETS));
    this.#help = { ...options.help };
    this.#recorder = new EventRecorder(this.#registry, this.buckets);
  }

  /**
   * Records one {@link CacheEvent} into the built-in instruments, then passes it on to this
   * object's own listeners (see {@link onEvent}). A `CacheEventListener`: hand it to any
   * `onEvent`. Never throws.
   */
  readonly record: CacheEventListener = (event: CacheEvent): void => {
    try {
      this.#recorder.record(event);
    } catch {
      // A malformed event must never break the operation that reported it.
    }
    if (this.#events.hasListeners) this.#events.emit(event);
  };

  /**
   * Records every event `source` reports (a repository, a circuit breaker, a retry policy, a lock
   * manager...). Returns a function that stops recording it.
   */
  attach(source: CacheEventSource): () => void {
    if (typeof source?.onEvent !== 'function') {
      throw new InvalidArgumentError('source', 'expected an object with onEvent(listener)');
    }
    return source.onEvent(this.record);
  }

  /**
   * Receives every event after it was recorded. Exporters that need each measurement (the
   * OpenTelemetry duration histogram) use it; returns a function that removes the listener.
   */
  onEvent(listener: CacheEventListener): () => void {
    return this.#events.onEvent(listener);
  }

  /** Adds `value` (default 1, never negative) to the counter `name{labels}`. */
  incrementCounter(name: string, labels: Labels = NO_LABELS, value = 1): void {
    assertMetricName(name);
    assertLabels(labels);
    if (!Number.isFinite(value) || value < 0) {
      throw new InvalidArgumentError('value', 'a counter only goes up: expected a finite number >= 0');
    }
    this.#registry.counter(name, this.#helpOf(name), labels).value += value;
  }

  /**
   * The counter `name` summed over every series whose labels include `labels`: with no labels, the
   * total over all series (`getCounter('cache_requests_total', { result: 'hit' })` counts hits of
   * every operation). 0 for an unknown counter.
   */
  getCounter(name: string, labels: Labels = NO_LABELS): number {
    return this.#sum(name, 'counter', labels);
  }

  /** Sets the gauge `name{labels}` to `value`. */
  setGauge(name: string, value: number, labels: Labels = NO_LABELS): void {
    assertMetricName(name);
    assertLabels(labels);
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw new InvalidArgumentError('value', 'expected a number');
    }
    this.#registry.gauge(name, this.#helpOf(name), labels).value = value;
  }

  /** The gauge series `name{labels}` (exactly those labels), or 0 when it was never set. */
  getGauge(name: string, labels: Labels = NO_LABELS): number {
    const family = this.#find(name, 'gauge', labels);
    return family === undefined ? 0 : (exactly(family.samples, labels)?.value ?? 0);
  }

  /** Records `value` (in seconds, for durations) in the histogram `name{labels}`, with {@link buckets}. */
  observeHistogram(name: string, value: number, labels: Labels = NO_LABELS): void {
    assertMetricName(name);
    assertLabels(labels);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidArgumentError('value', 'expected a finite number');
    }
    this.#registry.histogram(name, this.#helpOf(name), this.buckets, labels).observe(value);
  }

  /** The histogram series `name{labels}` (exactly those labels), or `undefined` when it has none. */
  getHistogram(name: string, labels: Labels = NO_LABELS): HistogramSample | undefined {
    const family = this.#find(name, 'histogram', labels);
    return family === undefined ? undefined : exactly(family.samples, labels);
  }

  /** Hits / (hits + misses) over every read recorded, or 0 before the first read. */
  get hitRatio(): number {
    const lookups = this.#recorder.hits + this.#recorder.misses;
    return lookups === 0 ? 0 : this.#recorder.hits / lookups;
  }

  /** Operations, hits, misses and hit ratio recorded so far. */
  summary(): OperationSummary {
    return {
      totalOperations: this.#recorder.operations,
      cacheHits: this.#recorder.hits,
      cacheMisses: this.#recorder.misses,
      hitRatio: this.hitRatio,
    };
  }

  /** The family `name` (without prefix) with its series as they are now, or `undefined`. */
  family(name: string): MetricFamilySnapshot | undefined {
    return this.#registry.find(name);
  }

  /** Every metric family with its series as they are now: what exporters read at scrape time. */
  snapshot(): MetricsSnapshot {
    return { prefix: this.prefix, families: this.#registry.snapshot() };
  }

  /**
   * Calls `listener` with each metric family created from now on (a metric you record for the
   * first time), so exporters can export it too. Returns a function that removes the listener.
   */
  onFamilyCreated(listener: FamilyListener): () => void {
    if (typeof listener !== 'function') throw new InvalidArgumentError('listener', 'expected a function');
    return this.#registry.onFamilyCreated(listener);
  }

  /** Sets every counter, gauge and histogram back to empty; metric families stay registered. */
  reset(): void {
    this.#registry.clear();
    this.#recorder.reset();
  }

  #sum(name: string, type: 'counter' | 'gauge', labels: Labels): number {
    const family = this.#find(name, type, labels);
    let total = 0;
    for (const sample of family?.samples ?? [])
      if (matchesLabels(sample.labels, labels)) total += sample.value;
    return total;
  }

  #find(name: string, type: 'counter' | 'gauge', labels: Labels): ValueFamilySnapshot | undefined;
  #find(name: string, type: 'histogram', labels: Labels): HistogramFamilySnapshot | undefined;
  #find(name: string, type: MetricType, labels: Labels): MetricFamilySnapshot | undefined {
    assertMetricName(name);
    assertLabels(labels);
    const family = this.#registry.find(name);
    return family?.type === type ? family : undefined;
  }

  #helpOf(name: string): string {
    return this.#help[name] ?? `Custom metric ${name}`;
  }
}

/** The sample with exactly `labels` (no more, no fewer). */
function exactly<S extends { readonly labels: Labels }>(
  samples: readonly S[],
  labels: Labels,
): S | undefined {
  const count = Object.keys(labels).length;
  return samples.find(
    (sample) => Object.keys(sample.labels).length === count && matchesLabels(sample.labels, labels),
  );
}

function validBuckets(buckets: readonly number[]): number[] {
  if (!Array.isArray(buckets) || buckets.length === 0) {
    throw new InvalidConfigError('options.buckets', 'expected a non-empty array of numbers');
  }
  buckets.forEach((bound, i) => {
    if (typeof bound !== 'number' || !Number.isFinite(bound) || (i > 0 && bound <= buckets[i - 1]!)) {
      throw new InvalidConfigError('options.buckets', 'expected finite numbers in strictly increasing order');
    }
  });
  return [...buckets];
}
