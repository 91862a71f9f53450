import { InvalidConfigError } from '@forno/core';

/** Where progress is written: a terminal (a bar redrawn in place) or a log (plain lines). */
export interface ProgressStream {
  write(text: string): unknown;
  /** True on a terminal: the bar is redrawn in place. */
  readonly isTTY?: boolean;
  /** Terminal width; the bar's line is cut to it. */
  readonly columns?: number;
}

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** How many units the work has (cases, orders…). */
  readonly total: number;
  /** What a unit is called, plural: `'cases'`, `'orders'`. */
  readonly unit: string;
  /** Written before the bar or each line, e.g. `'bench'`. */
  readonly label?: string;
  /** Default `process.stderr`, so progress never mixes into a command's output on stdout. */
  readonly stream?: ProgressStream;
  /** Draw a bar redrawn in place (default: when `stream` is a TTY); otherwise print plain lines. */
  readonly interactive?: boolean;
  /** Plain lines: at most one per this many ms (default 5,000); `finish()` prints the last one. */
  readonly lineIntervalMs?: number;
  /** Monotonic clock in ms (tests inject one); default `performance.now`. */
  readonly now?: () => number;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

/** `m:ss` (or `h:mm:ss`). */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1_000));
  const h = Math.floor(seconds / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * Progress of a long run (a benchmark, a simulation, a load test) that people watch and CI logs:
 * on a terminal a bar redrawn in place — units done, elapsed time, time left — and elsewhere plain
 * lines at most every few seconds, so a CI log shows the run is alive without thousands of lines.
 *
 * Time left is extrapolated from the fraction done: `units done / total` unless `update` is given a
 * finer `fraction` (a case half-way through its rounds), so long and short units even out.
 *
 * ```ts
 * const progress = new Progress({ total: cases.length, unit: 'cases', label: 'bench' });
 * for (const run of cases) {
 *   progress.print(formatTable(await run()));   // stdout, with the bar out of the way
 *   progress.tick(run.name);
 * }
 * progress.finish();
 * ```
 */
export class Progress {
  readonly #options: ProgressOptions;
  readonly #stream: ProgressStream;
  readonly #interactive: boolean;
  readonly #now: () => number;
  readonly #started: number;
  #done = 0;
  #fraction = 0;
  #detail = '';
  #lastDraw = Number.NEGATIVE_INFINITY;
  #lastLine = Number.NEGATIVE_INFINITY;
  #barShown = false;
  #finished = false;

  /** Throws `InvalidConfigError` for a total that is not a positive integer. */
  constructor(options: ProgressOptions) {
    if (!Number.isSafeInteger(options.total) || options.total < 1) {
      throw new InvalidConfigError('options.total', `expected a positive integer, got ${options.total}`);
    }
    this.#options = options;
    this.#stream = options.stream ?? process.stderr;
    this.#interactive = options.interactive ?? this.#stream.isTTY === true;
    this.#now = options.now ?? (() => performance.now());
    this.#started = this.#now();
  }

  /** Units done so far. */
  get done(): number {
    return this.#done;
  }

  /** One more unit done (or `n`), with what is running now. */
  tick(detail?: string, n = 1): void {
    this.update(this.#done + n, { ...(detail === undefined ? {} : { detail }) });
  }

  /**
   * Sets the units done, and optionally a finer `fraction` of the whole work (0-1) for the time
   * left, and a `detail` (what runs now). The fraction shown never goes back.
   */
  update(done: number, options: { readonly fraction?: number; readonly detail?: string } = {}): void {
    if (this.#finished) return;
    this.#done = Math.min(this.#options.total, Math.max(0, done));
    const base = this.#done / this.#options.total;
    // Never backwards: a bar that shrinks (an estimate corrected down) reads as a bug.
    this.#fraction = Math.min(1, Math.max(this.#fraction, base, options.fraction ?? base));
    if (options.detail !== undefined) this.#detail = options.detail;
    this.#render(false);
  }

  /** Writes `text` and a newline to stdout (or `out`), clearing the bar first and drawing it after. */
  print(text: string, out: { write(text: string): unknown } = process.stdout): void {
    this.#clearBar();
    out.write(`${text}\n`);
    if (this.#interactive && !this.#finished) this.#render(true);
  }

  /** Ends the bar with a final line (all units done, time taken). */
  finish(detail?: string): void {
    if (this.#finished) return;
    if (detail !== undefined) this.#detail = detail;
    this.#done = this.#options.total;
    this.#fraction = 1;
    this.#clearBar();
    this.#stream.write(`${this.#line()}\n`);
    this.#finished = true;
  }

  /** Time left in ms, extrapolated from the fraction done; undefined before there is a basis. */
  get remainingMs(): number | undefined {
    const elapsed = this.#now() - this.#started;
    if (this.#fraction <= 0 || elapsed < 1_000) return undefined;
    return (elapsed * (1 - this.#fraction)) / this.#fraction;
  }

  #render(force: boolean): void {
    const now = this.#now();
    if (this.#interactive) {
      const last = this.#done === this.#options.total;
      if (!force && !last && now - this.#lastDraw < REDRAW_MS) return;
      this.#lastDraw = now;
      const columns = this.#stream.columns || 100; // 0 on some pseudo-terminals
      this.#stream.write(`\r\x1b[2K${this.#line(true).slice(0, Math.max(20, columns - 1))}`);
      this.#barShown = true;
      return;
    }
    // The last line is `finish()`'s.
    if (now - this.#lastLine < (this.#options.lineIntervalMs ?? 5_000)) return;
    this.#lastLine = now;
    this.#stream.write(`${this.#line()}\n`);
  }

  #clearBar(): void {
    if (!this.#barShown) return;
    this.#stream.write('\r\x1b[2K');
    this.#barShown = false;
  }

  #line(bar = false): string {
    const { total, unit, label } = this.#options;
    const elapsed = this.#now() - this.#started;
    const remaining = this.remainingMs;
    const parts = [
      `${this.#done}/${total} ${unit} (${Math.floor(this.#fraction * 100)}%)`,
      `${formatDuration(elapsed)} elapsed`,
      this.#fraction >= 1
        ? 'done'
        : remaining === undefined
          ? 'time left: estimating'
          : `~${formatDuration(remaining)} left`,
    ];
    const filled = Math.round(this.#fraction * BAR_WIDTH);
    const head = bar ? `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ` : 'progress: ';
    const detail = this.#detail === '' ? '' : ` — ${this.#detail}`;
    return `${label === undefined ? '' : `${label} `}${head}${parts.join(', ')}${detail}`;
  }
}
