import { fileURLToPath } from 'node:url';
import { InvalidConfigError } from '@forno/core';
import { CircuitBreakerPolicy } from '@forno/resilience';
import type { FastifyInstance } from 'fastify';
import { backendFromEnv } from './backend-config.js';
import { type PizzeriaOptions, type PizzeriaServices, ServiceCollection } from './composition-root.js';
import { PizzeriaDatabase } from './db/pizzeria-database.js';
import { type AdminToken, adminTokenFromEnv } from './http/admin-auth.js';
import { buildServer } from './http/build-server.js';

/** Settings read from the environment. */
export interface PizzeriaEnv {
  readonly port: number;
  readonly host: string;
  readonly databasePath: string;
  readonly logLevel: string;
  /** `CHAOS=1`: the cache behind a chaos wrapper that the dashboard can break. */
  readonly chaos: boolean;
}

/** Where the database lives unless `DATABASE_PATH` says otherwise: `apps/pizzeria/data/pizzeria.db`. */
export const DEFAULT_DATABASE_PATH = fileURLToPath(new URL('../data/pizzeria.db', import.meta.url));

/**
 * `PORT` (default 3000), `HOST` (default 127.0.0.1), `DATABASE_PATH`, `LOG_LEVEL` (default warn),
 * `CHAOS` (`1` for the "break Redis" switch).
 */
export function pizzeriaEnv(env: NodeJS.ProcessEnv = process.env): PizzeriaEnv {
  const portText = env.PORT?.trim() || '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    throw new InvalidConfigError('PORT', `expected a port number from 0 to 65535, got "${portText}"`);
  }
  return {
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    databasePath: env.DATABASE_PATH?.trim() || DEFAULT_DATABASE_PATH,
    logLevel: env.LOG_LEVEL?.trim() || 'warn',
    chaos: env.CHAOS?.trim() === '1',
  };
}

/**
 * `CHAOS=1`: the cache behind the "break Redis" switch, and a breaker that tries again after 10 s
 * instead of 60 s, so a person watching sees it open, half-open and close in a minute.
 */
function chaosOptions(): PizzeriaOptions {
  return {
    chaos: true,
    breaker: new CircuitBreakerPolicy({ failureThreshold: 5, recoveryTimeout: '10s', successThreshold: 3 }),
  };
}

/** A running pizzeria. */
export interface RunningPizzeria {
  readonly services: PizzeriaServices;
  readonly app: FastifyInstance;
  /** `http://host:port`. */
  readonly url: string;
  /** The token of the admin routes, and whether it was generated for this run (then print it). */
  readonly admin: AdminToken;
  /** Stops the server, disconnects the backend, saves the database. */
  close(): Promise<void>;
}

/**
 * Opens the database (seeding it on first start), connects the backend chosen by the environment,
 * warms the menu fallback and starts the HTTP server. `log` receives human-readable lines.
 */
export async function startPizzeria(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = console.log,
): Promise<RunningPizzeria> {
  const settings = pizzeriaEnv(env);
  const backend = backendFromEnv(env);
  const admin = adminTokenFromEnv(env);
  const database = await PizzeriaDatabase.open({ path: settings.databasePath });
  const services = await new ServiceCollection()
    .addRedisRepository(backend)
    .addDatabase(database)
    .configure(settings.chaos ? chaosOptions() : {})
    .build();
  log(`backend: ${services.backendDescription}`);
  if (services.connectError !== undefined) {
    log(`warning: could not connect (${services.connectError.message}); reconnecting in the background`);
  }
  const items = (await database.listMenuItemIds()).length;
  log(
    `database: ${database.path ?? 'in memory'} (${database.seeded ? `seeded ${items} menu items` : `${items} menu items`})`,
  );
  const failed = await services.resilientMenu.warmFallbackCache();
  if (failed.length > 0) log(`warning: could not warm the menu fallback for ${failed.join(', ')}`);

  const app = buildServer(services, { logger: { level: settings.logLevel }, adminToken: admin.token });
  let address: string;
  try {
    address = await app.listen({ port: settings.port, host: settings.host });
  } catch (error) {
    await services.close();
    database.close();
    throw error;
  }
  return {
    services,
    app,
    url: address,
    admin,
    close: async () => {
      await app.close();
      await services.close();
      database.close();
    },
  };
}
