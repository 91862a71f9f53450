import { CacheUnavailableError } from '@forno/core';
import { ChaosCacheRepository, InMemoryCacheRepository, ManualClock } from '@forno/testing';
import { KEY_PREFIX } from '../src/backend-config.js';
import {
  type PizzeriaOptions,
  type PizzeriaRepository,
  type PizzeriaServices,
  ServiceCollection,
} from '../src/composition-root.js';
import { PizzeriaDatabase } from '../src/db/pizzeria-database.js';
import { METRICS_PREFIX } from '../src/services/cache-performance-monitor.js';

/** A fresh, empty cache repository for one test, and how time passes for its TTLs. */
export interface BackendHandle {
  readonly repository: PizzeriaRepository;
  /**
   * Moves the backend's clock (TTLs) and the services' clock forward. On the in-memory fake it is a
   * `ManualClock`; on a real server TTLs follow the server's clock, so tests that need time to pass
   * for a TTL run only where this is `exact` (or wait for real, for short leases).
   */
  advance(ms: number): Promise<void>;
  /** True when `advance` moves the backend's TTL clock without waiting. */
  readonly exact: boolean;
  readonly clock: ManualClock;
}

/** Creates a fresh backend per test (a new fake, or a unique key prefix on a shared server). */
export type BackendFactory = (clock: ManualClock) => Promise<Omit<BackendHandle, 'clock'>>;

/** The default test backend: the in-memory fake with the app's prefix and metrics, its TTLs on the suite's clock. */
export const inMemoryBackend: BackendFactory = async (clock) => ({
  repository: new InMemoryCacheRepository({
    keyPrefix: KEY_PREFIX,
    clock,
    enableMetrics: true,
    metricsPrefix: METRICS_PREFIX,
  }),
  exact: true,
  advance: async (ms) => clock.advance(ms),
});

/** Services wired by the composition root on a test backend, behind a chaos wrapper for outages. */
export interface PizzeriaFixture extends BackendHandle {
  readonly services: PizzeriaServices;
  readonly database: PizzeriaDatabase;
  /** Wraps the backend: set `failureRate = 1` for an outage. */
  readonly chaos: ChaosCacheRepository<PizzeriaRepository>;
  close(): Promise<void>;
}

/** Builds the app's services the way `main.ts` does, on a test backend and an in-memory database. */
export async function createFixture(
  factory: BackendFactory,
  options: PizzeriaOptions = {},
): Promise<PizzeriaFixture> {
  const clock = new ManualClock(Date.UTC(2026, 4, 1, 12, 0, 0));
  const backend = await factory(clock);
  const chaos = new ChaosCacheRepository(backend.repository, {
    seed: 1,
    failureRate: 0,
    errors: [(operation) => new CacheUnavailableError(`chaos: ${operation} failed (injected outage)`)],
  });
  const database = await PizzeriaDatabase.open({ clock });
  const services = await new ServiceCollection()
    .addRedisRepository(chaos)
    .addDatabase(database)
    .configure({ clock, ...options })
    .build();
  return {
    ...backend,
    clock,
    services,
    database,
    chaos,
    close: async () => {
      chaos.failureRate = 0;
      await services.close();
      await backend.repository.disconnect();
      database.close();
    },
  };
}

/** What each group of service tests gets. */
export interface SuiteContext {
  /** The fixture of the current test (fresh for each). */
  fixture(): PizzeriaFixture;
  /** An extra fixture with other options; close it yourself. */
  create(options?: PizzeriaOptions): Promise<PizzeriaFixture>;
}
