import fc from 'fast-check';
import { differentialSequence } from './command-arbitraries.js';
import { type DifferentialCommand, formatCommand } from './differential-command.js';
import type { DifferentialRunner } from './differential-runner.js';
import type { Divergence } from './run-sequence.js';

/** How many random sequences to run, from which seed. */
export interface DifferentialSettings {
  readonly seed: number;
  readonly numRuns: number;
  /** Longest sequence, in steps. */
  readonly maxCommands: number;
}

/**
 * Settings from the environment: `FORNO_DIFF_SEED` replays a run (a fresh random seed otherwise,
 * so every run explores new sequences), `FORNO_DIFF_RUNS` and `FORNO_DIFF_STEPS` override the
 * number and length of the sequences.
 */
export function differentialSettings(
  defaults: { numRuns: number; maxCommands?: number },
  env: Record<string, string | undefined> = process.env,
): DifferentialSettings {
  const number = (name: string, fallback: number) => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value))
      throw new Error(`${name} must be an integer, got ${JSON.stringify(text)}`);
    return value;
  };
  return {
    seed: number('FORNO_DIFF_SEED', Math.floor(Math.random() * 2 ** 31)),
    numRuns: number('FORNO_DIFF_RUNS', defaults.numRuns),
    maxCommands: number('FORNO_DIFF_STEPS', defaults.maxCommands ?? 40),
  };
}

/** The steps up to the divergence, as source to paste into `DIFFERENTIAL_REGRESSIONS`. */
export function formatDivergence(commands: readonly DifferentialCommand[], divergence: Divergence): string {
  const steps = divergence.step < 0 ? commands : commands.slice(0, divergence.step + 1);
  return `${divergence.message}\nsequence:\n[\n${steps.map((c) => `  ${formatCommand(c)},`).join('\n')}\n]`;
}

/**
 * Runs `settings.numRuns` random sequences through `runner` with fast-check; on a divergence,
 * fast-check shrinks the sequence and this throws with the shrunk steps and the seed.
 */
export async function checkDifferential(
  runner: DifferentialRunner,
  settings: DifferentialSettings,
): Promise<void> {
  const property = fc.asyncProperty(differentialSequence(settings.maxCommands), async (commands) => {
    const divergence = await runner.run(commands);
    if (divergence !== undefined) throw new Error(formatDivergence(commands, divergence));
  });
  await fc.assert(property, { seed: settings.seed, numRuns: settings.numRuns });
}
