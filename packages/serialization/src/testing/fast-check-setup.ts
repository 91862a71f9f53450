import fc from 'fast-check';

/**
 * Property tests run from the seed that `vitest.fast-check-seed.ts` drew (and printed) for this run,
 * so CI explores new inputs every time and any failure replays with `FC_SEED=<seed>`.
 */
const seed = Number(process.env.FC_SEED);
fc.configureGlobal({ numRuns: 100, ...(Number.isSafeInteger(seed) ? { seed } : {}) });
