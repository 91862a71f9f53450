import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDifferential, differentialSettings, formatDivergence } from './check-differential.js';
import { DifferentialRunner, type DifferentialSubjectOptions } from './differential-runner.js';
import { DIFFERENTIAL_REGRESSIONS } from './regressions.js';

/** Options of {@link describeDifferentialSuite}. */
export interface DifferentialSuiteOptions extends DifferentialSubjectOptions {
  /** Random sequences per run unless `FORNO_DIFF_RUNS` says otherwise (default 100). */
  readonly numRuns?: number;
  /** Timeout of the random-sequence test, in ms (default 10 minutes, for long runs). */
  readonly timeoutMs?: number;
}

/**
 * Registers the differential suite with vitest: every kept regression sequence, then random
 * sequences from a fresh seed (printed; replay with `FORNO_DIFF_SEED`), each run on the in-memory
 * fake and on the backend `options.createRepository` reaches, which must answer identically.
 */
export function describeDifferentialSuite(name: string, options: DifferentialSuiteOptions): void {
  describe(`differential: in-memory fake vs ${name}`, () => {
    let runner: DifferentialRunner | undefined;
    const open = () => {
      if (runner === undefined) throw new Error('the differential runner did not open');
      return runner;
    };

    beforeAll(async () => {
      runner = await DifferentialRunner.open(options);
    });

    afterAll(async () => {
      await runner?.close();
    });

    for (const regression of DIFFERENTIAL_REGRESSIONS) {
      it(`regression: ${regression.name}`, async () => {
        const divergence = await open().run(regression.commands);
        expect(divergence && formatDivergence(regression.commands, divergence)).toBeUndefined();
      });
    }

    const settings = differentialSettings({ numRuns: options.numRuns ?? 100 });
    it(
      `random sequences agree (${settings.numRuns} runs, seed ${settings.seed})`,
      async () => {
        console.info(
          `[differential] ${name}: ${settings.numRuns} sequences of up to ${settings.maxCommands} steps, ` +
            `seed ${settings.seed} (replay with FORNO_DIFF_SEED=${settings.seed})`,
        );
        const started = performance.now();
        await checkDifferential(open(), settings);
        console.info(
          `[differential] ${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
      },
      options.timeoutMs ?? 600_000,
    );
  });
}
