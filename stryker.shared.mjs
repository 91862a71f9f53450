/**
 * Mutation testing (StrykerJS 9, the last line that runs on Node 20) of a package's unit project.
 * Each package's `stryker.config.mjs` calls this with its score target; `pnpm mutate` runs them one
 * after the other. Incremental: `mutation/stryker-incremental.json` (checked in) records every
 * mutant's outcome, so a rerun only tests what changed, and a drop in score shows in its diff.
 */

// Only the unit project: mutants are run hundreds of times, never against real servers.
process.env.FORNO_VITEST_PROJECT = 'unit';
// One fast-check seed for every test run of every mutant, so that scores compare across runs
// (`pnpm test` draws a fresh one each time instead).
process.env.FC_SEED ??= '20260127';

/** @param {{ target: number, mutate?: string[] }} options */
export function strykerConfig({ target, mutate }) {
  return {
    packageManager: 'pnpm',
    plugins: ['@stryker-mutator/vitest-runner'],
    testRunner: 'vitest',
    vitest: { configFile: 'vitest.config.ts', related: true },
    mutate: mutate ?? ['src/**/*.ts', '!src/**/*.test.ts', '!src/**/index.ts'],
    coverageAnalysis: 'perTest',
    incremental: true,
    incrementalFile: 'mutation/stryker-incremental.json',
    reporters: ['clear-text', 'progress-append-only'],
    clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
    // The score each package must keep; the run fails below it.
    thresholds: { high: 90, low: target, break: target },
    concurrency: 2,
    timeoutMS: 10_000,
    // Two levels below the repository root, like a package, so `../../vitest.shared.js` resolves.
    tempDirName: '../../.stryker-tmp',
    // Stryker rewrites tsconfig `extends` paths for a sandbox inside the package; ours need none.
    tsconfigFile: 'tsconfig.stryker-does-not-rewrite.json',
    cleanTempDir: 'always',
    ignoreStatic: true,
  };
}
