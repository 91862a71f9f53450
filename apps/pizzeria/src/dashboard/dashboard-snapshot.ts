import { type CacheRepository, type CircuitState, isCacheError, type LockBackend } from '@forno/core';
import type { PizzeriaServices } from '../composition-root.js';
import type { KitchenTicket } from '../domain/types.js';
import { KitchenQueueService, type QueuedOrder } from '../services/kitchen-queue-service.js';
import { PizzaAnalyticsService, type PizzaPopularity } from '../services/pizza-analytics-service.js';
import type { CircuitTransition, DashboardSample, DashboardSampler } from './dashboard-sampler.js';

/** Version of the snapshot's shape; fields are only ever added within a version. */
export const SNAPSHOT_VERSION = 1;
/** Queue entries the kitchen panel shows. */
const QUEUE_SHOWN = 50;

/** A part of the snapshot that could not be read (the cache is down): the page says so. */
export interface Unavailable {
  readonly error: string;
}

/**
 * A hit ratio the cache panel shows, one row each: `menu lookups` (the services' cache-aside
 * reads) and `repository reads` (every get/hget/hgetall/mget). A hybrid L1/L2 cache adds a row per
 * layer; the page renders whatever rows come.
 */
export interface HitRatioRow {
  readonly name: string;
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses); 0 before the first read. */
  readonly ratio: number;
}

/** Everything the dashboard shows, as `GET /dashboard/snapshot` returns it. */
export interface DashboardSnapshot {
  readonly version: number;
  readonly generatedAt: string;
  readonly backend: string;
  /** `available` with `CHAOS=1`; `broken` while the "break Redis" switch is on. */
  readonly chaos: { readonly available: boolean; readonly broken: boolean };
  readonly kitchen:
    | {
        readonly queueLength: number;
        /** The next orders, next first (at most 50). */
        readonly queue: readonly QueuedOrder[];
        /** Orders waiting per priority (of those shown), highest first. */
        readonly byPriority: readonly { readonly priority: number; readonly count: number }[];
        /** Orders being cooked, per station. */
        readonly stations: readonly {
          readonly station: string;
          readonly tickets: readonly KitchenTicket[];
        }[];
      }
    | Unavailable;
  readonly popularity: { readonly top: readonly PizzaPopularity[] } | Unavailable;
  /** Today's orders per hour (UTC), every hour 0-23. */
  readonly hourly:
    | { readonly date: string; readonly hours: readonly { readonly hour: number; readonly orders: number }[] }
    | Unavailable;
  readonly cache: {
    readonly hitRatios: readonly HitRatioRow[];
    readonly totalOperations: number;
    readonly memoryBytes: number | null;
  };
  readonly resilience: {
    readonly circuit: CircuitState;
    readonly databaseCircuit: CircuitState;
    readonly fallbackReads: number;
    readonly transitions: readonly CircuitTransition[];
  };
  readonly redis: { readonly status: string; readonly pingMs: number | null };
  /** Lock counters since start: acquired, waited, timeouts, lost, released (the page shows every field). */
  readonly locks: Readonly<Record<string, number>>;
  /** Per-second samples newer than the `since` asked for (up to 5 minutes), oldest first. */
  readonly samples: readonly DashboardSample[];
}

/**
 * Builds the dashboard's snapshots. The kitchen and the rankings are read through the services'
 * observer repository (no metrics), so the page does not count its own reads.
 */
export class DashboardSnapshots {
  readonly #services: PizzeriaServices;
  readonly #sampler: DashboardSampler;
  readonly #kitchen: KitchenQueueService;
  readonly #analytics: PizzaAnalyticsService;
  readonly #observer: CacheRepository & LockBackend;
  #connected: Promise<void> | undefined;

  constructor(services: PizzeriaServices, sampler: DashboardSampler) {
    this.#services = services;
    this.#sampler = sampler;
    this.#observer = services.observer;
    this.#kitchen = new KitchenQueueService(services.observer, { clock: services.clock });
    this.#analytics = new PizzaAnalyticsService(services.observer, { clock: services.clock });
  }

  /** The snapshot, with the samples taken after `since` (epoch ms; 0 for the whole history). */
  async snapshot(since = 0): Promise<DashboardSnapshot> {
    this.#connected ??= this.#observer.connect().catch(() => {
      this.#connected = undefined; // it reconnects in the background; try again next time
    });
    await this.#connected;
    const [kitchen, popularity, hourly, summary, health] = await Promise.all([
      orUnavailable(() => this.#readKitchen()),
      orUnavailable(async () => ({ top: await this.#analytics.getTopPizzas(10) })),
      orUnavailable(() => this.#readHourly()),
      this.#services.monitor.getPerformanceSummary(),
      this.#services.health(),
    ]);
    const { chaos } = this.#services;
    return {
      version: SNAPSHOT_VERSION,
      generatedAt: new Date().toISOString(),
      backend: this.#services.backendDescription,
      chaos: { available: chaos !== undefined, broken: chaos?.broken ?? false },
      kitchen,
      popularity,
      hourly,
      cache: {
        hitRatios: [
          row('menu lookups', summary.lookups.hits, summary.lookups.misses),
          row('repository reads', summary.cacheHits, summary.cacheMisses),
        ],
        totalOperations: summary.totalOperations,
        memoryBytes: summary.memoryUsage,
      },
      resilience: {
        circuit: health.circuitBreaker,
        databaseCircuit: health.database.circuitBreaker,
        fallbackReads: summary.fallbackReads,
        transitions: this.#sampler.transitions,
      },
      redis: { status: health.redis.status, pingMs: health.redis.latencyMs },
      locks: { ...summary.locks },
      samples: this.#sampler.samplesSince(since),
    };
  }

  async #readKitchen() {
    const [queueLength, queue, inProgress] = await Promise.all([
      this.#kitchen.queueLength(),
      this.#kitchen.peekQueue(QUEUE_SHOWN),
      this.#kitchen.inProgress(),
    ]);
    const byPriority = new Map<number, number>();
    for (const order of queue) byPriority.set(order.priority, (byPriority.get(order.priority) ?? 0) + 1);
    const stations = new Map<string, KitchenTicket[]>();
    for (const ticket of inProgress) {
      stations.set(ticket.kitchenStation, [...(stations.get(ticket.kitchenStation) ?? []), ticket]);
    }
    return {
      queueLength,
      queue,
      byPriority: [...byPriority].sort(([a], [b]) => b - a).map(([priority, count]) => ({ priority, count })),
      stations: [...stations]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([station, tickets]) => ({ station, tickets })),
    };
  }

  async #readHourly() {
    const date = new Date(this.#services.clock.now()).toISOString().slice(0, 10);
    const counts = await this.#analytics.getHourlyDistribution(date);
    return {
      date,
      hours: Array.from({ length: 24 }, (_, hour) => ({ hour, orders: counts[hour] ?? 0 })),
    };
  }
}

function row(name: string, hits: number, misses: number): HitRatioRow {
  const reads = hits + misses;
  return { name, hits, misses, ratio: reads === 0 ? 0 : hits / reads };
}

/** The value, or `{ error }` when the cache could not be read (its code only: no key names). */
async function orUnavailable<T>(read: () => Promise<T>): Promise<T | Unavailable> {
  try {
    return await read();
  } catch (error) {
    return { error: `the cache cannot be read now (${isCacheError(error) ? error.code : 'E_UNKNOWN'})` };
  }
}
