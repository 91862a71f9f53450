import fc from 'fast-check';

/**
 * vitest setup file of the packages with fast-check properties (beside `vitest.fast-check-seed.ts`,
 * their globalSetup): property tests run from the seed that the global setup drew (and printed) for
 * this run, so CI explores new inputs every time and any failure replays with `FC_SEED=<seed>`.
 */
const seed = Number(process.env.FC_SEED);
fc.configureGlobal({ numRuns: 100, ...(Number.isSafeInteger(seed) ? { seed } : {}) });
