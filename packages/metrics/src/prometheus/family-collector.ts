import type { CacheMetrics } from '../cache-metrics.js';
import type { Labels, MetricDescriptor, MetricFamilySnapshot } from '../metric-types.js';

/** Marks the metrics this package registers, so a second registration replaces them safely. */
export const FORNO_COLLECTOR = Symbol.for('forno.metrics.prometheus-collector');

/** One value line as prom-client's registry formats it. */
export interface PrometheusValue {
  readonly value: number;
  readonly labels: Record<string, string>;
  readonly metricName?: string;
}

/** A metric as prom-client's `Registry` reads it: what `Counter#get()` and friends return. */
export interface PrometheusMetricObject {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly aggregator: 'sum';
  readonly values: PrometheusValue[];
}

/**
 * One `CacheMetrics` family as a prom-client metric: the registry calls {@link get} at scrape
 * time and the values are read from `CacheMetrics` then, so nothing is recorded twice. It has the
 * shape prom-client's `Registry` relies on (`name`, `help`, `type`, `get()`, `reset()`).
 */
export class FamilyCollector {
  readonly [FORNO_COLLECTOR] = true;
  /**
   * Exported name. prom-client's registry rewrites it (drops `_total`) when it serves OpenMetrics,
   * so it must stay writable.
   */
  name: string;
  /** HELP text. */
  readonly help: string;
  /** Prometheus type. */
  readonly type: MetricDescriptor['type'];
  /** How prom-client's cluster aggregator merges workers' values. */
  readonly aggregator = 'sum' as const;
  readonly #family: string;
  readonly #metrics: CacheMetrics;
  readonly #constantLabels: Labels;

  constructor(metrics: CacheMetrics, descriptor: MetricDescriptor, name: string, constantLabels: Labels) {
    this.#metrics = metrics;
    this.#family = descriptor.name;
    this.name = name;
    this.help = descriptor.help;
    this.type = descriptor.type;
    this.#constantLabels = constantLabels;
  }

  /** The family's current values, in prom-client's format. */
  async get(): Promise<PrometheusMetricObject> {
    const family = this.#metrics.family(this.#family);
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: family === undefined ? [] : this.#values(family),
    };
  }

  /**
   * Does nothing: the values belong to `CacheMetrics` (call `metrics.reset()`), and a registry-wide
   * `resetMetrics()` must not wipe what other exporters of the same metrics report.
   */
  reset(): void {}

  #values(family: MetricFamilySnapshot): PrometheusValue[] {
    const constant = this.#constantLabels;
    if (family.type !== 'histogram') {
      return family.samples.map(({ labels, value }) => ({ value, labels: { ...labels, ...constant } }));
    }
    // Histogram series keep the family's base name: OpenMetrics renaming only touches counters.
    const base = this.name;
    const values: PrometheusValue[] = [];
    for (const sample of family.samples) {
      const labels = { ...sample.labels, ...constant };
      for (const { le, count } of sample.buckets) {
        const bound = le === Number.POSITIVE_INFINITY ? '+Inf' : String(le);
        values.push({ metricName: `${base}_bucket`, labels: { ...labels, le: bound }, value: count });
      }
      values.push({ metricName: `${base}_sum`, labels, value: sample.sum });
      values.push({ metricName: `${base}_count`, labels, value: sample.count });
    }
    return values;
  }
}
