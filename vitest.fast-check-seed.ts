/**
 * vitest globalSetup of the packages with fast-check properties: one seed per run, fresh unless
 * `FC_SEED` is set, printed so a failure on CI can be replayed (`FC_SEED=<seed> pnpm test`). The
 * workers read it from `FC_SEED` in their setup file.
 */
export default function setup(): void {
  const given = process.env.FC_SEED;
  const seed = given === undefined || given === '' ? String(Math.floor(Math.random() * 2 ** 31)) : given;
  process.env.FC_SEED = seed;
  console.info(`[fast-check] seed ${seed}${given ? ' (from FC_SEED)' : ''}; replay with FC_SEED=${seed}`);
}
