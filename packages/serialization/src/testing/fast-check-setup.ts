import fc from 'fast-check';

/**
 * Property tests run with a fixed seed so a failure reproduces on every machine; set `FC_SEED` to
 * explore other inputs (fast-check prints the seed and path of any counterexample).
 */
const seed = process.env.FC_SEED === undefined ? 20_260_127 : Number(process.env.FC_SEED);
fc.configureGlobal({ seed, numRuns: 100 });
