import type { ChildProcess } from 'node:child_process';
import type { SimulationConfig } from './sim-config.js';

/** Share of the orders that reach the kitchen (the stock covers about 80%, the rest are rejected). */
const COOKED_SHARE = 0.8;

/**
 * The crash half of `simulate --kill-stations`: when a station process reports that it has an
 * order on the stove, kill it with SIGKILL (a power cut: no cleanup, no completion, its stream
 * entry left pending). Kills are spread over the run — every `interval`-th order put on a stove —
 * up to a budget (at least 3, one per 40 orders), so every run kills and the count is
 * reproducible. The parent starts a new station in its place; the kitchen must reclaim the dead
 * station's order.
 */
export class StationKiller {
  readonly #budget: number;
  readonly #interval: number;
  readonly #victims = new WeakSet<ChildProcess>();
  #cooking = 0;
  #kills = 0;

  constructor(config: Pick<SimulationConfig, 'orders'>) {
    this.#budget = Math.max(3, Math.floor(config.orders / 40));
    this.#interval = Math.max(2, Math.floor((config.orders * COOKED_SHARE) / (this.#budget + 1)));
  }

  /** Kills performed. */
  get kills(): number {
    return this.#kills;
  }

  /** A station reported an order on its stove: kill it if this is the order whose turn it is. */
  cooking(station: ChildProcess): void {
    if (this.#kills >= this.#budget || this.#victims.has(station)) return;
    this.#cooking += 1;
    if (this.#cooking % this.#interval !== 0) return;
    this.#victims.add(station);
    this.#kills++;
    station.kill('SIGKILL');
  }

  /** Whether `station` exited because it was killed here (an expected exit, not a failure). */
  killed(station: ChildProcess): boolean {
    return this.#victims.has(station);
  }
}
