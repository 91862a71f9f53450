import type { HistogramSample, Labels } from './metric-types.js';

/**
 * One histogram series: a count per bucket, the sum and the count of observations. Buckets are
 * kept non-cumulative (one increment per observation) and made cumulative only when read.
 */
export class HistogramSeries {
  /** Labels of this series. */
  readonly labels: Labels;
  readonly #boundaries: readonly number[];
  /** One slot per boundary plus the `+Inf` slot. */
  readonly #counts: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(labels: Labels, boundaries: readonly number[]) {
    this.labels = labels;
    this.#boundaries = boundaries;
    this.#counts = new Float64Array(boundaries.length + 1);
  }

  /** Records one observation (ignored when not a finite number). */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const boundaries = this.#boundaries;
    let i = 0;
    while (i < boundaries.length && value > boundaries[i]!) i++;
    this.#counts[i]!++;
    this.#sum += value;
    this.#count++;
  }

  /** Number of observations. */
  get count(): number {
    return this.#count;
  }

  /** The series with cumulative buckets. */
  snapshot(): HistogramSample {
    let cumulative = 0;
    const buckets = Array.from(this.#counts, (count, i) => {
      cumulative += count;
      return { le: this.#boundaries[i] ?? Number.POSITIVE_INFINITY, count: cumulative };
    });
    return { labels: this.labels, buckets, sum: this.#sum, count: this.#count };
  }
}
