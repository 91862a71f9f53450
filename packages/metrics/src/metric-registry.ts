import { InvalidArgumentError } from '@forno/core';
import { HistogramSeries } from './histogram-series.js';
import { assertLabels, seriesKey } from './labels.js';
import type { Labels, MetricDescriptor, MetricFamilySnapshot, MetricType } from './metric-types.js';

/** A counter or gauge series; its `value` is updated in place by whoever holds it. */
export interface ValueSeries {
  readonly labels: Labels;
  value: number;
}

interface ValueFamily extends MetricDescriptor {
  readonly type: 'counter' | 'gauge';
  readonly series: Map<string, ValueSeries>;
}

interface HistogramFamily extends MetricDescriptor {
  readonly type: 'histogram';
  readonly boundaries: readonly number[];
  readonly series: Map<string, HistogramSeries>;
}

type Family = ValueFamily | HistogramFamily;

/** Called with each metric family as it is created. */
export type FamilyListener = (family: MetricDescriptor) => void;

/**
 * The storage behind `CacheMetrics`: metric families by name, each with its series by label set.
 * Series are created on first use and handed out by reference, so hot paths hold on to them and
 * update a number instead of looking labels up again.
 */
export class MetricRegistry {
  readonly #families = new Map<string, Family>();
  readonly #listeners = new Set<FamilyListener>();

  /** The counter series `name{labels}`, created (with `help`) on first use. */
  counter(name: string, help: string, labels: Labels = {}): ValueSeries {
    return this.#valueSeries(this.#family(name, help, 'counter') as ValueFamily, labels);
  }

  /** The gauge series `name{labels}`, created (with `help`) on first use. */
  gauge(name: string, help: string, labels: Labels = {}): ValueSeries {
    return this.#valueSeries(this.#family(name, help, 'gauge') as ValueFamily, labels);
  }

  /** The histogram series `name{labels}`, created with `boundaries` on first use. */
  histogram(name: string, help: string, boundaries: readonly number[], labels: Labels = {}): HistogramSeries {
    const family = this.#family(name, help, 'histogram', boundaries) as HistogramFamily;
    const key = seriesKey(labels);
    let series = family.series.get(key);
    if (series === undefined) {
      assertLabels(labels);
      series = new HistogramSeries({ ...labels }, family.boundaries);
      family.series.set(key, series);
    }
    return series;
  }

  /**
   * Creates the family `name` without any series (so exporters list it before its first value).
   * A family that exists already is left as it is; one of another type is an error.
   */
  declare(name: string, help: string, type: MetricType, boundaries: readonly number[] = []): void {
    this.#family(name, help, type, boundaries);
  }

  /** The existing family `name` as it is now, or `undefined`. */
  find(name: string): MetricFamilySnapshot | undefined {
    const family = this.#families.get(name);
    return family === undefined ? undefined : snapshotOf(family);
  }

  /** The type of the existing family `name`, or `undefined`. */
  typeOf(name: string): MetricType | undefined {
    return this.#families.get(name)?.type;
  }

  /** Every family as it is now, in creation order. */
  snapshot(): MetricFamilySnapshot[] {
    return Array.from(this.#families.values(), snapshotOf);
  }

  /** Descriptors of every family, in creation order. */
  descriptors(): MetricDescriptor[] {
    return Array.from(this.#families.values(), ({ name, help, type }) => ({ name, help, type }));
  }

  /** Calls `listener` with every family created from now on; returns a function that stops it. */
  onFamilyCreated(listener: FamilyListener): () => void {
    const subscription: FamilyListener = (family) => listener(family);
    this.#listeners.add(subscription);
    return () => {
      this.#listeners.delete(subscription);
    };
  }

  /** Drops every series (families stay, so exporters keep their registrations). */
  clear(): void {
    for (const family of this.#families.values()) family.series.clear();
  }

  #family(name: string, help: string, type: MetricType, boundaries?: readonly number[]): Family {
    const existing = this.#families.get(name);
    if (existing !== undefined) {
      if (existing.type !== type) {
        throw new InvalidArgumentError('name', `metric ${name} is a ${existing.type}, not a ${type}`);
      }
      return existing;
    }
    const family: Family =
      type === 'histogram'
        ? { name, help, type, boundaries: boundaries ?? [], series: new Map<string, HistogramSeries>() }
        : { name, help, type, series: new Map<string, ValueSeries>() };
    this.#families.set(name, family);
    const descriptor = { name, help, type };
    for (const listener of this.#listeners) {
      try {
        listener(descriptor);
      } catch {
        // An exporter failing to register a family must not break the recording.
      }
    }
    return family;
  }

  #valueSeries(family: ValueFamily, labels: Labels): ValueSeries {
    const key = seriesKey(labels);
    let series = family.series.get(key);
    if (series === undefined) {
      assertLabels(labels);
      series = { labels: { ...labels }, value: 0 };
      family.series.set(key, series);
    }
    return series;
  }
}

function snapshotOf(family: Family): MetricFamilySnapshot {
  const { name, help } = family;
  if (family.type === 'histogram') {
    return {
      name,
      help,
      type: 'histogram',
      boundaries: family.boundaries,
      samples: Array.from(family.series.values(), (series) => series.snapshot()),
    };
  }
  return {
    name,
    help,
    type: family.type,
    samples: Array.from(family.series.values(), ({ labels, value }) => ({ labels, value })),
  };
}
