import type { CircuitState } from '@forno/core';
import { BrokenCircuitError, type CircuitBreakerPolicy, isBackendFailure } from '@forno/resilience';
import { MenuDatabaseUnavailableError, PizzeriaError } from '../domain/errors.js';
import type { MenuItem, MenuItemPatch } from '../domain/types.js';
import type { MenuSource } from './ports.js';

/**
 * Whether an error of the menu database counts against its circuit: what `isBackendFailure` counts
 * (a closed connection, a disk error, an IPC channel gone), except the app's own domain errors — a
 * refused price is the caller's mistake, not the database failing.
 */
export function isMenuSourceFailure(error: unknown): boolean {
  return !(error instanceof PizzeriaError) && isBackendFailure(error);
}

/**
 * The SQL menu source behind a circuit breaker, the way any backend can be guarded: after
 * `failureThreshold` failed calls in a row, calls are rejected at once with `BrokenCircuitError`
 * (503 `E_CIRCUIT_OPEN`) instead of each waiting for a database that is not answering, until a
 * probe succeeds again. Its state is in `/health`. A failure that counts reaches the caller as
 * `MenuDatabaseUnavailableError` (503, the driver's error as `cause`), not as a bare 500.
 */
export class GuardedMenuSource implements MenuSource {
  readonly #source: MenuSource;
  readonly #breaker: CircuitBreakerPolicy;

  constructor(source: MenuSource, breaker: CircuitBreakerPolicy) {
    this.#source = source;
    this.#breaker = breaker;
  }

  /** The state of the database's circuit (for `/health`). */
  get circuitState(): CircuitState {
    return this.#breaker.state;
  }

  getMenuItem(id: string): Promise<MenuItem | null> {
    return this.#run(() => this.#source.getMenuItem(id));
  }

  getMenuItems(ids: readonly string[]): Promise<(MenuItem | null)[]> {
    return this.#run(() => this.#source.getMenuItems(ids));
  }

  listMenuItemIds(): Promise<string[]> {
    return this.#run(() => this.#source.listMenuItemIds());
  }

  updateMenuItem(id: string, patch: MenuItemPatch): Promise<MenuItem | null> {
    return this.#run(() => this.#source.updateMenuItem(id, patch));
  }

  async #run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.#breaker.execute(call);
    } catch (error) {
      if (BrokenCircuitError.is(error) || !isMenuSourceFailure(error)) throw error;
      throw new MenuDatabaseUnavailableError({ cause: error });
    }
  }
}
