/**
 * Alternating-rounds comparison: every contender does the same work in the same process, round
 * after round, in an order that rotates each round, so drift (GC, CPU frequency, the server's own
 * state) hits all of them alike. The result is the median ratio to the baseline with min and max.
 */

/** One implementation under test: `run(ops)` performs `ops` operations and resolves when done. */
export interface Contender {
  readonly name: string;
  /** Untimed setup before each timed run (e.g. writing the keys a delete will remove). */
  prepare?(ops: number): Promise<void>;
  run(ops: number): Promise<void>;
}

/** Options of {@link compare}. */
export interface CompareOptions {
  readonly title: string;
  /** Operations per contender per round. */
  readonly ops: number;
  /** Measured rounds (plus one warm-up round that is discarded). */
  readonly rounds: number;
  /** The contender ratios are computed against (first of `contenders` if omitted). */
  readonly baseline?: string;
  readonly contenders: readonly Contender[];
}

/** A contender's figures over all rounds. */
export interface ContenderResult {
  readonly name: string;
  /** Median operations per second. */
  readonly opsPerSecond: number;
  /** Median, min and max of the per-round ratio to the baseline (higher is faster). */
  readonly ratio: { readonly median: number; readonly min: number; readonly max: number };
}

/** A finished comparison. */
export interface CaseResult {
  readonly title: string;
  readonly baseline: string;
  readonly ops: number;
  readonly rounds: number;
  readonly results: readonly ContenderResult[];
  /** Free text shown under the table (what was measured, caveats). */
  readonly note?: string;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

let roundListener: ((fraction: number) => void) | undefined;

/**
 * Tells `listener` how far the running comparison is (0-1) after each contender's run, for a
 * progress bar (`undefined` to stop). One listener at a time: benchmarks run one case at a time.
 */
export function onCompareProgress(listener: ((fraction: number) => void) | undefined): void {
  roundListener = listener;
}

/** Runs the comparison. */
export async function compare(options: CompareOptions): Promise<CaseResult> {
  const { contenders, ops, rounds } = options;
  const baseline = options.baseline ?? contenders[0]!.name;
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  let runs = 0;
  for (let round = 0; round <= rounds; round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const contender of order) {
      await contender.prepare?.(ops);
      const started = performance.now();
      await contender.run(ops);
      const seconds = (performance.now() - started) / 1_000;
      if (round > 0) rates.get(contender.name)!.push(ops / seconds);
      runs++;
      roundListener?.(runs / ((rounds + 1) * contenders.length));
    }
  }
  const baseRates = rates.get(baseline)!;
  return {
    title: options.title,
    baseline,
    ops,
    rounds,
    results: contenders.map(({ name }) => {
      const own = rates.get(name)!;
      const ratios = own.map((rate, i) => rate / baseRates[i]!);
      return {
        name,
        opsPerSecond: median(own),
        ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
      };
    }),
  };
}

/** Runs `operation` `ops` times keeping `inFlight` operations outstanding. */
export async function withConcurrency(
  ops: number,
  inFlight: number,
  operation: (i: number) => Promise<unknown>,
) {
  let next = 0;
  const worker = async () => {
    while (next < ops) await operation(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, ops) }, worker));
}
