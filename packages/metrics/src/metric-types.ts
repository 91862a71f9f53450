/** Label names and values of one series, e.g. `{ operation: 'get', result: 'hit' }`. Never a key. */
export type Labels = Readonly<Record<string, string>>;

/** The kinds of instrument `CacheMetrics` holds, with Prometheus' meaning. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One counter or gauge series. */
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

/** One bucket of a histogram: how many observations were `<= le` (cumulative, as Prometheus counts). */
export interface Bucket {
  /** Upper bound, in the histogram's unit; the last bucket is `Infinity`. */
  readonly le: number;
  readonly count: number;
}

/** One histogram series. */
export interface HistogramSample {
  readonly labels: Labels;
  /** Cumulative buckets, one per boundary plus the final `+Inf` one. */
  readonly buckets: readonly Bucket[];
  /** Sum of every observed value. */
  readonly sum: number;
  /** Number of observations (equals the `+Inf` bucket). */
  readonly count: number;
}

/** What a metric family is, without its values. */
export interface MetricDescriptor {
  /** Name without the prefix, e.g. `cache_requests_total`. */
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
}

/** A counter or gauge family and its series. */
export interface ValueFamilySnapshot extends MetricDescriptor {
  readonly type: 'counter' | 'gauge';
  readonly samples: readonly Sample[];
}

/** A histogram family and its series. */
export interface HistogramFamilySnapshot extends MetricDescriptor {
  readonly type: 'histogram';
  /** Bucket upper bounds (without `+Inf`). */
  readonly boundaries: readonly number[];
  readonly samples: readonly HistogramSample[];
}

/** One metric family at a point in time. */
export type MetricFamilySnapshot = ValueFamilySnapshot | HistogramFamilySnapshot;

/** Every metric family of a `CacheMetrics` at a point in time. */
export interface MetricsSnapshot {
  /** Prefix exporters prepend to every name (`forno` → `forno_cache_requests_total`). */
  readonly prefix: string;
  readonly families: readonly MetricFamilySnapshot[];
}
