/**
 * A menu service whose cache calls survive Redis outages, with `ResilientCacheRepository` doing the resilience. In your
 * app import from '@forno/resilience'; this example imports the sources so it is type-checked and
 * tested with the package (test/readme-example.test.ts).
 */
import type { CacheBackend } from '@forno/core';
import { CircuitBreakerPolicy, isOutageError, ResilientCacheRepository } from '../src/index.js';

export interface MenuItem {
  readonly id: string;
  readonly name: string;
  readonly price: number;
}

export interface MenuDatabase {
  loadMenu(menuId: string): Promise<MenuItem[]>;
}

/** Where a menu came from, so callers and dashboards can tell a degraded answer from a fresh one. */
export type MenuSource = 'redis' | 'fallback' | 'database';

export class ResilientMenuService {
  constructor(
    readonly cache: ResilientCacheRepository,
    readonly db: MenuDatabase,
  ) {}

  async getMenu(menuId: string): Promise<{ items: MenuItem[]; source: MenuSource }> {
    const cached = await this.cache.getWithSource<MenuItem[]>(`menu:${menuId}`).catch(unlessOutage);
    if (cached?.value) return { items: cached.value, source: cached.source };
    const items = await this.db.loadMenu(menuId);
    await this.cache.set(`menu:${menuId}`, items, { ttl: '6h' }).catch(unlessOutage);
    return { items, source: 'database' };
  }
}

/** A breaker and a timeout around any repository (Redis, or the in-memory fake); Redis retries idempotent commands itself. */
export function resilientCache(redis: CacheBackend): ResilientCacheRepository {
  return new ResilientCacheRepository(redis, {
    breaker: new CircuitBreakerPolicy({ failureThreshold: 5, recoveryTimeout: '60s', successThreshold: 3 }),
    timeout: '500ms',
  });
}

/** Outages degrade to "no cache"; bugs and bad input still throw. */
function unlessOutage(error: unknown): undefined {
  if (isOutageError(error)) return undefined;
  throw error;
}
