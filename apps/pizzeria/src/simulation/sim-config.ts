import type { BackendConfig } from '../backend-config.js';
import type { Ingredient, MenuItem } from '../domain/types.js';

/** What every worker is told (as JSON in `SIM_CONFIG`). */
export interface SimulationConfig {
  readonly backend: Exclude<BackendConfig, { kind: 'memory' }>;
  /** Key prefix of this run (`mario_pizzeria:sim:<run>:`), so runs never see each other's keys. */
  readonly keyPrefix: string;
  readonly orders: number;
  readonly workers: number;
  /** Concurrent order loops per worker. */
  readonly lanes: number;
  /** Workers stop (and report) at this epoch ms even if orders are left. */
  readonly deadline: number;
  readonly seed: number;
  /**
   * Crash mode: worker 0 is the front desk (places and processes orders), the others are kitchen
   * stations that the parent kills with SIGKILL mid-order, repeatedly, and starts again.
   */
  readonly killStations: boolean;
}

/** Command-line options of `simulate`. */
export interface SimulationArgs {
  readonly workers: number;
  readonly orders: number;
  readonly lanes: number;
  readonly timeoutSeconds: number;
  readonly seed: number;
  readonly json: boolean;
  readonly killStations: boolean;
}

/** Parses `--workers N --orders M [--lanes L] [--timeout S] [--seed X] [--json] [--kill-stations]`. */
export function parseSimulationArgs(argv: readonly string[]): SimulationArgs {
  const values = new Map<string, string>();
  let json = false;
  let killStations = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--json') {
      json = true;
      continue;
    }
    if (arg === '--kill-stations') {
      killStations = true;
      continue;
    }
    const match = /^--(workers|orders|lanes|timeout|seed)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new Error(`unknown argument "${arg}"`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    values.set(match[1]!, value);
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const text = values.get(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new Error(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
    }
    return n;
  };
  return {
    workers: int('workers', 4, 1, 64),
    orders: int('orders', 200, 1, 1_000_000),
    lanes: int('lanes', 2, 1, 64),
    timeoutSeconds: int('timeout', 120, 1, 86_400),
    seed: int('seed', Date.now() % 1_000_000, 0, Number.MAX_SAFE_INTEGER),
    json,
    killStations,
  };
}

/** Order lines per order: 1 to {@link MAX_LINES}; quantity 1 to {@link MAX_QUANTITY}. */
export const MAX_LINES = 3;
export const MAX_QUANTITY = 2;

/**
 * Stock for a run of `orders` orders: about 80% of what they would use on average, so the pantry
 * runs dry towards the end and the last orders are rejected — exercising the "never below zero"
 * path and the give-back of partial reservations, not just the happy path.
 */
export function simulationStock(
  menu: readonly MenuItem[],
  pantry: readonly Ingredient[],
  orders: number,
): Ingredient[] {
  const pizzasPerOrder = ((1 + MAX_LINES) / 2) * ((1 + MAX_QUANTITY) / 2);
  return pantry.map((ingredient) => {
    const unitsPerPizza =
      menu.reduce((sum, item) => sum + (item.ingredients[ingredient.id] ?? 0), 0) / menu.length;
    return { ...ingredient, stock: Math.ceil(orders * pizzasPerOrder * unitsPerPizza * 0.8) };
  });
}

/** Keys the simulation itself uses, beside the services' own (relative to the run's prefix). */
export const SIM_KEYS = {
  /** Counter handing out order numbers to the workers. */
  claimed: 'sim:claimed',
  /** Order ids waiting to be processed; every order is pushed twice (at-least-once delivery). */
  incoming: 'sim:incoming',
  /** Order id → how many times processing took stock for it (must be ≤ 1). */
  processed: 'sim:processed',
  /** Order id → how many times it was completed (must be ≤ 1). */
  completed: 'sim:completed',
  /** Orders that reached a final state (completed or rejected). */
  finished: 'sim:finished',
  /** Kitchen orders taken over from a station that died (counted by the station taking over). */
  reclaimed: 'sim:reclaimed',
} as const;
