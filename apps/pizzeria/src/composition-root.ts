import { HybridCache } from '@forno/cache';
import {
  type CacheBackend,
  CacheEntityRepository,
  CacheEventEmitter,
  type CacheRepository,
  type Clock,
  type Duration,
  type LockBackend,
  systemClock,
} from '@forno/core';
import type { CacheMetrics } from '@forno/metrics';
import { createNodeRedisRepository } from '@forno/node-redis-driver';
import { createRedisRepository } from '@forno/redis-driver';
import { CircuitBreakerPolicy, ResilientCacheRepository } from '@forno/resilience';
import { InMemoryCacheRepository } from '@forno/testing';
import { type BackendConfig, describeBackend, KEY_PREFIX } from './backend-config.js';
import { GuardedMenuSource, isMenuSourceFailure } from './db/guarded-menu-source.js';
import { PizzeriaDatabase, type PizzeriaDatabaseOptions } from './db/pizzeria-database.js';
import type { PizzeriaStore } from './db/ports.js';
import type { Order } from './domain/types.js';
import { type HealthReport, health } from './health.js';
import { ChaosSwitch, observerRepository } from './observer-repository.js';
import { CachePerformanceMonitor, METRICS_PREFIX } from './services/cache-performance-monitor.js';
import { CustomerSegmentationService } from './services/customer-segmentation-service.js';
import { CustomerSessionService } from './services/customer-session-service.js';
import { InventoryService } from './services/inventory-service.js';
import { KitchenQueueService } from './services/kitchen-queue-service.js';
import { MenuCacheService } from './services/menu-cache-service.js';
import { OrderProcessingService } from './services/order-processing-service.js';
import { PizzaAnalyticsService } from './services/pizza-analytics-service.js';
import { ResilientMenuService } from './services/resilient-menu-service.js';

/** Everything the app is made of, wired. Services get their dependencies through their constructors. */
export interface PizzeriaServices {
  readonly backend: BackendConfig | { readonly kind: 'custom' };
  /** One line for logs: which backend, where. */
  readonly backendDescription: string;
  /** The cache repository every service uses (prefix `mario_pizzeria:`), locks included. */
  readonly repository: CacheRepository & LockBackend;
  /**
   * The same cache for observers (the dashboard), without metrics: see `observerRepository`. Not
   * connected by `build()`: call `connect()` before the first read.
   */
  readonly observer: CacheRepository & LockBackend;
  /** The clock the services use (TTLs of sessions, queue times, the hourly histogram's day). */
  readonly clock: Clock;
  /** The "break Redis" switch when built with `chaos: true` (`CHAOS=1`); undefined otherwise. */
  readonly chaos: ChaosSwitch | undefined;
  /** The same repository behind retry, circuit breaker, timeout and an LRU fallback. */
  readonly resilientRepository: ResilientCacheRepository;
  readonly database: PizzeriaStore;
  /** The menu half of `database` behind a circuit breaker; every menu read and write goes through it. */
  readonly menuSource: GuardedMenuSource;
  /** Every distributed lock reports here. */
  readonly lockEvents: CacheEventEmitter;
  readonly monitor: CachePerformanceMonitor;
  readonly menuCache: MenuCacheService;
  readonly sessions: CustomerSessionService;
  readonly orders: OrderProcessingService;
  readonly inventory: InventoryService;
  readonly kitchen: KitchenQueueService;
  readonly analytics: PizzaAnalyticsService;
  readonly segmentation: CustomerSegmentationService;
  readonly resilientMenu: ResilientMenuService;
  /** Set when the first `connect()` failed; the repository keeps reconnecting in the background. */
  readonly connectError: Error | undefined;
  /** PINGs the cache and reports it with the states of the cache's and the database's breakers. */
  health(): Promise<HealthReport>;
  /** Disconnects what the collection created, and saves the database. */
  close(): Promise<void>;
}

/**
 * The cache the app runs on: any observable repository (a Redis driver, the in-memory fake, or one
 * of them behind a chaos wrapper), whose metrics the dashboard shows when it records them.
 */
export type PizzeriaRepository = CacheBackend<CacheMetrics>;

/** Tuning that tests and the simulation change. */
export interface PizzeriaOptions {
  readonly clock?: Clock;
  readonly lockWaitTimeout?: Duration;
  /** Circuit breaker of the resilient menu (default: open after 5 failures, retry after 60 s, close after 3 successes). */
  readonly breaker?: CircuitBreakerPolicy;
  /** Circuit breaker of the SQL menu source (default: 5 failures / 30 s / 3 successes). */
  readonly menuBreaker?: CircuitBreakerPolicy;
  /** Put the cache behind a `ChaosCacheRepository` that `services.chaos` can break (`CHAOS=1`). */
  readonly chaos?: boolean;
  /** How long a station may hold an order before another reclaims it (default `'30s'`). */
  readonly kitchenReclaimAfter?: Duration;
}

/**
 * The composition root: register a backend and a
 * database, then `build()` wires every service by hand, in one place. No container, no lookups by
 * type at run time: if a service needs something, it is in its constructor, and this is the only
 * file that calls the constructors.
 *
 * ```ts
 * const services = await new ServiceCollection()
 *   .addRedisRepository(backendFromEnv())        // in-memory, REDIS_URL or REDIS_CLUSTER_NODES
 *   .addDatabase({ path: 'data/pizzeria.db' })
 *   .build();
 * ```
 */
export class ServiceCollection {
  #backend: BackendConfig | PizzeriaRepository = { kind: 'memory' };
  #database: PizzeriaStore | PizzeriaDatabaseOptions = {};
  #options: PizzeriaOptions = {};

  /** Registers the cache backend: a config (the app creates, connects and closes it) or a repository you own. */
  addRedisRepository(config: BackendConfig | PizzeriaRepository): this {
    this.#backend = config;
    return this;
  }

  /** Registers the SQL source of truth: options to open one, or a store you own. */
  addDatabase(database: PizzeriaStore | PizzeriaDatabaseOptions): this {
    this.#database = database;
    return this;
  }

  /** Tuning for tests and the simulation. */
  configure(options: PizzeriaOptions): this {
    this.#options = { ...this.#options, ...options };
    return this;
  }

  /** Creates and connects the backend, opens the database, and wires every service. */
  async build(): Promise<PizzeriaServices> {
    const closers: (() => Promise<void> | void)[] = [];
    const owned = isRepository(this.#backend) ? undefined : this.#backend;
    const backend = owned === undefined ? (this.#backend as PizzeriaRepository) : createBackend(owned);
    if (owned !== undefined) closers.push(() => backend.disconnect());
    const chaos = this.#options.chaos === true ? new ChaosSwitch() : undefined;
    const repository = chaos === undefined ? backend : chaos.wrap(backend);
    const view = observerRepository(
      backend,
      (config) => createBackend(config, KEY_PREFIX, { metrics: false }),
      owned,
    );
    if (view.owned) closers.push(() => view.repository.disconnect());
    // The observer sees what the app sees: through the chaos switch too, when there is one.
    const observer =
      view.repository === backend
        ? repository
        : chaos === undefined
          ? view.repository
          : chaos.wrap(view.repository);
    let connectError: Error | undefined;
    try {
      await repository.connect();
    } catch (error) {
      connectError = error as Error;
    }

    let database: PizzeriaStore;
    if (isStore(this.#database)) {
      database = this.#database;
    } else {
      const opened = await PizzeriaDatabase.open({
        ...this.#database,
        ...(this.#options.clock === undefined ? {} : { clock: this.#options.clock }),
      });
      closers.push(() => opened.close());
      database = opened;
    }

    const clock = this.#options.clock ?? systemClock;
    const menuSource = new GuardedMenuSource(
      database,
      this.#options.menuBreaker ??
        new CircuitBreakerPolicy({
          failureThreshold: 5,
          recoveryTimeout: '30s',
          successThreshold: 3,
          isFailure: isMenuSourceFailure,
        }),
    );
    const breaker =
      this.#options.breaker ??
      new CircuitBreakerPolicy({ failureThreshold: 5, recoveryTimeout: '60s', successThreshold: 3 });
    const resilientRepository = new ResilientCacheRepository(repository, {
      breaker,
      timeout: '1s',
      fallback: { max: 1_000, ttl: '1h' },
    });
    const backendDescription = owned === undefined ? 'custom repository' : describeBackend(owned);
    const lockEvents = new CacheEventEmitter();
    // The repository's own metrics (`enableMetrics`), seen through the chaos wrapper when there is one.
    const monitor = new CachePerformanceMonitor(repository, {
      backend: backendDescription,
      circuitState: () => breaker.state,
      ...(repository.metrics === undefined ? {} : { source: repository }),
    });
    monitor.observe(lockEvents);
    monitor.observe(breaker);
    monitor.observeFallbacks(resilientRepository);

    // The menu is the hot read: hybrid caches (memory over Redis), one factory run per miss across
    // every process of the app, invalidations reaching every process's memory.
    const menuCaches = new HybridCache({ repository, namespace: 'menu', clock, stampede: 'distributed' });
    const resilientMenus = new HybridCache({
      repository: resilientRepository,
      namespace: ResilientMenuService.namespace,
      clock,
      grace: '1d',
      timeout: '500ms',
      stampede: 'distributed',
    });
    closers.push(
      () => menuCaches.close(),
      () => resilientMenus.close(),
    );
    monitor.observeCache('menu', menuCaches);
    monitor.observeCache('resilientMenu', resilientMenus);
    if (connectError === undefined) {
      // Until their bus delivers (a few ms), the caches read Redis only; start once they trust memory.
      await Promise.race([Promise.all([menuCaches.ready(), resilientMenus.ready()]), delay(2_000)]);
    }
    const menuCache = new MenuCacheService(menuCaches.namespace('item'), menuSource, { monitor });
    const kitchen = new KitchenQueueService(repository, {
      clock,
      ...(this.#options.kitchenReclaimAfter === undefined
        ? {}
        : { reclaimAfter: this.#options.kitchenReclaimAfter }),
    });
    const analytics = new PizzaAnalyticsService(repository, { clock });
    const lockOptions = {
      lockEvents,
      ...(this.#options.lockWaitTimeout === undefined
        ? {}
        : { lockWaitTimeout: this.#options.lockWaitTimeout }),
    };
    const inventory = new InventoryService(repository, database, { clock, ...lockOptions });
    const orders = new OrderProcessingService(
      repository,
      {
        orders: new CacheEntityRepository<Order>(repository, { entityName: 'order', ttl: '7d' }),
        inventory,
        menu: menuCache,
        kitchen,
        analytics,
      },
      { clock, ...lockOptions },
    );

    return {
      backend: owned ?? { kind: 'custom' },
      backendDescription,
      repository,
      observer,
      chaos,
      clock,
      resilientRepository,
      database,
      menuSource,
      lockEvents,
      monitor,
      menuCache,
      sessions: new CustomerSessionService(repository, { clock, menu: menuCache }),
      orders,
      inventory,
      kitchen,
      analytics,
      segmentation: new CustomerSegmentationService(repository),
      resilientMenu: new ResilientMenuService(resilientMenus, menuSource, { monitor, breaker }),
      connectError,
      health: () => health(repository, backendDescription, breaker, menuSource),
      close: async () => {
        for (const close of closers.reverse()) await close();
      },
    };
  }
}

/**
 * A repository for a backend config, with every key under `keyPrefix` and metrics on (named
 * `mario_pizzeria_redis_*`) unless `options.metrics` is false; not connected yet.
 */
export function createBackend(
  config: BackendConfig,
  keyPrefix = KEY_PREFIX,
  options: { readonly metrics?: boolean } = {},
): PizzeriaRepository {
  const metrics = { enableMetrics: options.metrics ?? true, metricsPrefix: METRICS_PREFIX } as const;
  switch (config.kind) {
    case 'memory':
      return new InMemoryCacheRepository({ keyPrefix, ...metrics });
    case 'redis': {
      const connectionName = options.metrics === false ? 'mario-pizzeria-observer' : 'mario-pizzeria';
      const redisConfig = { url: config.url, keyPrefix, connectionName, ...metrics };
      return config.client === 'node-redis'
        ? createNodeRedisRepository(redisConfig)
        : createRedisRepository(redisConfig);
    }
    case 'cluster': {
      const clusterConfig = { cluster: { nodes: config.nodes }, keyPrefix, ...metrics };
      return config.client === 'node-redis'
        ? createNodeRedisRepository(clusterConfig)
        : createRedisRepository(clusterConfig);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function isRepository(value: unknown): value is PizzeriaRepository {
  return typeof (value as Partial<CacheRepository>).hgetall === 'function';
}

function isStore(value: unknown): value is PizzeriaStore {
  return typeof (value as Partial<PizzeriaStore>).writeStock === 'function';
}
