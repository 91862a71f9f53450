import type { ChildProcess } from 'node:child_process';
import { seededRandom } from '@forno/core';
import type { SimulationConfig } from './sim-config.js';

/** Odds that a station is killed when it reports an order on its stove. */
const KILL_ODDS = 0.15;
/** At least this long between two kills, so the kitchen also gets work done. */
const KILL_SPACING_MS = 400;

/**
 * The crash half of `simulate --kill-stations`: when a station process reports that it has an
 * order on the stove, kill it with SIGKILL now and then (a power cut: no cleanup, no completion,
 * its stream entry left pending), up to a budget of kills. The parent starts a new station in its
 * place; the kitchen must reclaim the dead station's order.
 */
export class StationKiller {
  readonly #budget: number;
  readonly #random: () => number;
  readonly #victims = new WeakSet<ChildProcess>();
  #kills = 0;
  #lastKill = 0;

  constructor(config: SimulationConfig) {
    // Several kills per run, more for longer runs.
    this.#budget = Math.max(3, Math.floor(config.orders / 40));
    this.#random = seededRandom(config.seed + 7);
  }

  /** Kills performed. */
  get kills(): number {
    return this.#kills;
  }

  /** A station reported an order on its stove: maybe kill it, mid-order. */
  cooking(station: ChildProcess): void {
    if (this.#kills >= this.#budget || this.#victims.has(station)) return;
    if (Date.now() - this.#lastKill < KILL_SPACING_MS || this.#random() > KILL_ODDS) return;
    this.#victims.add(station);
    this.#kills++;
    this.#lastKill = Date.now();
    station.kill('SIGKILL');
  }

  /** Whether `station` exited because it was killed here (an expected exit, not a failure). */
  killed(station: ChildProcess): boolean {
    return this.#victims.has(station);
  }
}
