import { fileURLToPath } from 'node:url';
import { InvalidConfigError } from '@forno/core';
import type { FastifyInstance } from 'fastify';
import { backendFromEnv } from './backend-config.js';
import { type PizzeriaServices, ServiceCollection } from './composition-root.js';
import { PizzeriaDatabase } from './db/pizzeria-database.js';
import { type AdminToken, adminTokenFromEnv } from './http/admin-auth.js';
import { buildServer } from './http/build-server.js';

/** Settings read from the environment. */
export interface PizzeriaEnv {
  readonly port: number;
  readonly host: string;
  readonly databasePath: string;
  readonly logLevel: string;
}

/** Where the database lives unless `DATABASE_PATH` says otherwise: `apps/pizzeria/data/pizzeria.db`. */
export const DEFAULT_DATABASE_PATH = fileURLToPath(new URL('../data/pizzeria.db', import.meta.url));

/** `PORT` (default 3000), `HOST` (default 127.0.0.1), `DATABASE_PATH`, `LOG_LEVEL` (default warn). */
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
  const services = await new ServiceCollection().addRedisRepository(backend).addDatabase(database).build();
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
