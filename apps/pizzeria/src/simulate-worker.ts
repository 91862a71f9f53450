import { setTimeout as sleep } from 'node:timers/promises';
import { type CacheRepository, seededRandom } from '@forno/core';
import { createBackend, type PizzeriaServices, ServiceCollection } from './composition-root.js';
import type { PizzeriaStore, StockWrite } from './db/ports.js';
import { hasCode } from './domain/errors.js';
import type { OrderLine } from './domain/types.js';
import { MAX_LINES, MAX_QUANTITY, SIM_KEYS, type SimulationConfig } from './simulation/sim-config.js';
import { emptyStats, type WorkerReport, type WorkerStats } from './simulation/sim-stats.js';
import { RemoteStore } from './simulation/store-rpc.js';

/**
 * One app instance of the simulation, forked by `simulate.ts`. It builds the same services as the
 * server (through the same `ServiceCollection`) on the shared Redis and the parent's database, and
 * runs `lanes` concurrent loops that each: claim and place an order (delivering it twice, as an
 * at-least-once queue would), process a delivery, and cook + complete the next kitchen order
 * (completing it twice, as a double click would). The idempotency checks must absorb every repeat.
 */

const config = JSON.parse(process.env.SIM_CONFIG ?? 'null') as SimulationConfig;
const worker = Number(process.env.SIM_WORKER ?? '0');
/** How many times this worker's station process was started (crash mode restarts killed ones). */
const generation = Number(process.env.SIM_GENERATION ?? '0');
/**
 * Crash mode splits the work: worker 0 is the front desk (places and processes orders, never
 * killed), the others are kitchen stations (cook and complete), which the parent kills mid-order.
 */
const role: 'all' | 'front' | 'station' = !config.killStations ? 'all' : worker === 0 ? 'front' : 'station';
const random = seededRandom(config.seed * 1_000 + worker * 100 + generation);
const stats = emptyStats();
let timedOut = false;
/** Crash mode: the parent says when every order is final (a killed station cannot count its own). */
let stopped = false;
process.on('message', (message: unknown) => {
  if ((message as { type?: unknown } | null)?.type === 'stop') stopped = true;
});

function countError(error: unknown): void {
  const code = (error as { code?: unknown } | null)?.code;
  const key = typeof code === 'string' ? code : ((error as Error | null)?.name ?? 'Error');
  stats.errors[key] = (stats.errors[key] ?? 0) + 1;
}

/** The parent's database, counting the writes it refuses. */
function countingStore(store: PizzeriaStore, counters: WorkerStats): PizzeriaStore {
  return {
    getMenuItem: (id) => store.getMenuItem(id),
    getMenuItems: (ids) => store.getMenuItems(ids),
    listMenuItemIds: () => store.listMenuItemIds(),
    updateMenuItem: (id, patch) => store.updateMenuItem(id, patch),
    getIngredient: (id) => store.getIngredient(id),
    listIngredients: () => store.listIngredients(),
    writeStock: async (id: string, write: StockWrite) => {
      try {
        await store.writeStock(id, write);
      } catch (error) {
        if (error instanceof RangeError) counters.negativeStockRefusals++;
        else if (hasCode(error, 'E_STALE_FENCING_TOKEN')) counters.staleFenceRefusals++;
        else if (hasCode(error, 'E_CONCURRENT_UPDATE')) counters.changedStockRefusals++;
        throw error;
      }
    },
  };
}

/** Crash mode: an order held this long by a station is taken over (a killed station never completes it). */
const KILL_MODE_RECLAIM_AFTER = '1s';

const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

async function placeOne(
  services: PizzeriaServices,
  cache: CacheRepository,
  n: number,
  menu: readonly string[],
) {
  const lines = new Map<string, number>();
  for (let i = between(1, MAX_LINES); i > 0; i--) {
    const item = pick(menu);
    lines.set(item, Math.min(MAX_QUANTITY, (lines.get(item) ?? 0) + between(1, MAX_QUANTITY)));
  }
  const orderLines: OrderLine[] = [...lines].map(([menuItemId, quantity]) => ({ menuItemId, quantity }));
  if (n % 40 === 0) await services.menuCache.invalidateMenuCache(pick(menu)); // a menu edit: some misses
  const order = await services.orders.placeOrder({
    orderId: `o-${n}`,
    customerId: `c-${n % 50}`,
    lines: orderLines,
    priority: between(0, 3),
  });
  await cache.rpush(SIM_KEYS.incoming, order.id, order.id);
  stats.placed++;
}

async function processDelivery(services: PizzeriaServices, cache: CacheRepository, orderId: string) {
  try {
    const { outcome } = await services.orders.processOrderSafely(orderId);
    if (outcome === 'already-processed') {
      stats.redeliveriesAbsorbed++;
      return;
    }
    await cache.hincrby(SIM_KEYS.processed, orderId, 1);
    if (outcome === 'processed') stats.processed++;
    else {
      stats.rejected++;
      await cache.incrby(SIM_KEYS.finished);
    }
  } catch (error) {
    countError(error);
    await cache.rpush(SIM_KEYS.incoming, orderId); // redeliver later
  }
}

async function completeWithRetry(services: PizzeriaServices, cache: CacheRepository, orderId: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      // Two completions race, as a double click on "done" would: exactly one may complete it.
      const results = await Promise.all([
        services.orders.completeOrder(orderId),
        services.orders.completeOrder(orderId),
      ]);
      for (const { completed } of results) {
        if (!completed) {
          stats.repeatCompletionsAbsorbed++;
          continue;
        }
        stats.completed++;
        await cache.hincrby(SIM_KEYS.completed, orderId, 1);
        await cache.incrby(SIM_KEYS.finished);
      }
      return;
    } catch (error) {
      countError(error);
      if (attempt >= 10) throw error;
      await sleep(20 * attempt);
    }
  }
}

/** Concurrent loops of this worker: in crash mode the front desk alone takes the orders of all workers. */
function laneCount(): number {
  return role === 'front' ? config.lanes * (config.workers - 1) : config.lanes;
}

/** Takes the next kitchen order (maybe one reclaimed from a dead station), cooks and completes it. */
async function cook(services: PizzeriaServices, cache: CacheRepository, station: string): Promise<boolean> {
  let next: Awaited<ReturnType<PizzeriaServices['orders']['startNextOrder']>> = null;
  try {
    next = await services.orders.startNextOrder(station);
  } catch (error) {
    countError(error); // the order went back to the queue
  }
  if (next === null) return false;
  if (next.ticket.reclaimed) await cache.incrby(SIM_KEYS.reclaimed);
  if (config.killStations) {
    // Tell the parent an order is on this station now: the moment it may kill it.
    process.send?.({ type: 'cooking', orderId: next.order.id });
    await sleep(between(10, 30));
  } else {
    await sleep(between(0, 3));
  }
  await completeWithRetry(services, cache, next.order.id);
  return true;
}

async function lane(services: PizzeriaServices, cache: CacheRepository, menu: readonly string[], id: number) {
  const station = `w${worker}g${generation}-oven${id}`;
  let placing = role !== 'station';
  while (Date.now() < config.deadline) {
    if (stopped) return;
    let worked = false;
    if (placing) {
      const n = await cache.incrby(SIM_KEYS.claimed);
      if (n <= config.orders) {
        await placeOne(services, cache, n, menu);
        worked = true;
      } else {
        placing = false;
      }
    }
    if (role !== 'station') {
      const delivery = await cache.lpop<string>(SIM_KEYS.incoming);
      if (delivery !== null) {
        await processDelivery(services, cache, delivery);
        worked = true;
      }
    }
    if (role !== 'front' && (await cook(services, cache, station))) worked = true;
    if (!worked) {
      if (!config.killStations && ((await cache.get<number>(SIM_KEYS.finished)) ?? 0) >= config.orders)
        return;
      await sleep(5);
    }
  }
  timedOut = true;
}

async function main(): Promise<void> {
  const store = new RemoteStore();
  const cache = createBackend(config.backend, config.keyPrefix);
  const services = await new ServiceCollection()
    .configure(config.killStations ? { kitchenReclaimAfter: KILL_MODE_RECLAIM_AFTER } : {})
    .addRedisRepository(cache)
    .addDatabase(countingStore(store, stats))
    .build();
  if (services.connectError !== undefined) throw services.connectError;
  try {
    const menu = await store.listMenuItemIds();
    await Promise.all(Array.from({ length: laneCount() }, (_, i) => lane(services, cache, menu, i)));
    const summary = await services.monitor.getPerformanceSummary();
    stats.cacheHits = summary.lookups.hits;
    stats.cacheMisses = summary.lookups.misses;
    stats.lockAcquired = summary.locks.acquired;
    stats.lockWaits = summary.locks.waited;
    stats.lockTimeouts = summary.locks.timeouts;
    stats.lockLost = summary.locks.lost;
    const report: WorkerReport = { type: 'stats', worker, stats, timedOut };
    await new Promise<void>((resolve) => process.send!(report, () => resolve()));
  } finally {
    await services.close();
    await cache.disconnect();
    store.close();
  }
}

main().catch((error: unknown) => {
  console.error(`worker ${worker}:`, error);
  process.exitCode = 1;
  process.disconnect?.();
});
