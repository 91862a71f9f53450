import { Progress } from '@forno/testing/progress';
import { onCompareProgress } from './compare.js';

/** A group of cases that `pnpm bench` runs, and what it usually takes. */
export interface BenchStep {
  readonly name: string;
  /** Tables (cases) it reports. */
  readonly cases: number;
  /** Seconds a full run of it took on the project's machines: the weight for the time left. */
  readonly seconds: number;
}

/**
 * `pnpm bench`'s progress: cases done and time left, as a bar on a terminal and as plain lines in
 * CI. Time left weighs each step by what it usually takes, and follows a comparison round by round
 * (steps without rounds advance with the clock, up to 90 % of their usual time).
 */
export class BenchProgress {
  readonly #steps: readonly BenchStep[];
  readonly #progress: Progress;
  readonly #totalSeconds: number;
  readonly #timer: NodeJS.Timeout;
  #stepIndex = -1;
  #stepStarted = 0;
  #secondsBefore = 0;
  #casesDone = 0;
  #casesInStep = 0;
  #roundFraction = 0;
  readonly #took = new Map<string, number>();

  constructor(steps: readonly BenchStep[]) {
    this.#steps = steps;
    this.#totalSeconds = steps.reduce((sum, step) => sum + step.seconds, 0);
    this.#progress = new Progress({
      total: steps.reduce((sum, step) => sum + step.cases, 0),
      unit: 'cases',
      label: 'bench',
      lineIntervalMs: 15_000,
    });
    onCompareProgress((fraction) => {
      this.#roundFraction = fraction;
      this.#update();
    });
    // Keeps the elapsed time and the estimate moving during long cases.
    this.#timer = setInterval(() => this.#update(), 1_000);
    this.#timer.unref();
  }

  /** The step called `name` starts. */
  begin(name: string): void {
    const index = this.#steps.findIndex((step) => step.name === name);
    if (index < 0) throw new Error(`no bench step ${name}`);
    this.#endStep();
    this.#stepIndex = index;
    this.#stepStarted = performance.now();
    this.#casesInStep = 0;
    this.#roundFraction = 0;
    this.#update('starting');
  }

  /** Prints a finished case's table (stdout, the bar out of the way) and counts it. */
  report(markdown: string, title: string): void {
    this.#progress.print(`${markdown}\n`);
    this.#casesDone++;
    this.#casesInStep++;
    this.#roundFraction = 0;
    this.#update(title);
  }

  /**
   * All done: the last line, the round listener removed, and what each step took (to keep the
   * steps' `seconds` in `main.ts` close to the truth).
   */
  finish(): void {
    this.#endStep();
    clearInterval(this.#timer);
    onCompareProgress(undefined);
    this.#progress.finish('all cases');
    const took = [...this.#took].map(([name, seconds]) => `${name} ${Math.round(seconds)}`).join(', ');
    process.stderr.write(`bench: seconds per step: ${took}\n`);
  }

  #endStep(): void {
    const step = this.#steps[this.#stepIndex];
    if (step === undefined) return;
    this.#secondsBefore += step.seconds;
    this.#took.set(step.name, (performance.now() - this.#stepStarted) / 1_000);
    this.#stepIndex = -1;
  }

  #update(detail?: string): void {
    const step = this.#steps[this.#stepIndex];
    let inStep = 0;
    if (step !== undefined) {
      const byCases = (this.#casesInStep + this.#roundFraction) / step.cases;
      const byClock = Math.min(0.9, (performance.now() - this.#stepStarted) / 1_000 / step.seconds);
      inStep = Math.min(1, this.#roundFraction > 0 || this.#casesInStep > 0 ? byCases : byClock);
    }
    const fraction = (this.#secondsBefore + (step?.seconds ?? 0) * inStep) / this.#totalSeconds;
    this.#progress.update(this.#casesDone, {
      fraction,
      ...(detail === undefined ? {} : { detail: step === undefined ? detail : `${step.name}: ${detail}` }),
    });
  }
}
