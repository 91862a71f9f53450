import type { CacheRepository, CircuitState } from '@forno/core';
import type { CircuitBreakerPolicy } from '@forno/resilience';
import type { GuardedMenuSource } from './db/guarded-menu-source.js';

/** Result of {@link PizzeriaServices.health}. */
export interface HealthReport {
  /**
   * `ok` when the cache answers PING and the menu database's circuit is not open, else `degraded`
   * (reads fall back, writes fail fast).
   */
  readonly status: 'ok' | 'degraded';
  readonly backend: string;
  readonly redis: {
    readonly status: string;
    readonly latencyMs: number | null;
    readonly error?: string;
  };
  /** The circuit of the cache (the resilient menu's breaker). */
  readonly circuitBreaker: CircuitState;
  /** The SQL menu source, behind its own breaker. */
  readonly database: { readonly circuitBreaker: CircuitState };
}

/** PINGs the cache and reports it with both circuits; `degraded` when either is unwell. */
export async function health(
  repository: CacheRepository,
  backend: string,
  breaker: CircuitBreakerPolicy,
  menuSource: GuardedMenuSource,
): Promise<HealthReport> {
  const database = { circuitBreaker: menuSource.circuitState };
  const databaseOk = database.circuitBreaker !== 'open';
  try {
    const latencyMs = await repository.ping();
    return {
      status: databaseOk ? 'ok' : 'degraded',
      backend,
      redis: { status: repository.status, latencyMs: Math.round(latencyMs * 100) / 100 },
      circuitBreaker: breaker.state,
      database,
    };
  } catch (error) {
    return {
      status: 'degraded',
      backend,
      redis: { status: repository.status, latencyMs: null, error: (error as Error).message },
      circuitBreaker: breaker.state,
      database,
    };
  }
}
