import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CacheEntityRepository, type CacheRepository, type LockBackend } from '@forno/core';
import { Progress } from '@forno/testing/progress';
import { type BackendConfig, backendFromEnv, describeBackend, KEY_PREFIX } from './backend-config.js';
import { createBackend } from './composition-root.js';
import { PizzeriaDatabase } from './db/pizzeria-database.js';
import { SEED_INGREDIENTS, SEED_MENU } from './db/seed-data.js';
import type { Order } from './domain/types.js';
import { InventoryService } from './services/inventory-service.js';
import { KitchenQueueService } from './services/kitchen-queue-service.js';
import {
  parseSimulationArgs,
  SIM_KEYS,
  type SimulationArgs,
  type SimulationConfig,
  simulationStock,
} from './simulation/sim-config.js';
import {
  formatResult,
  RESULT_MARKER,
  type SimulationResult,
  sumStats,
  type WorkerReport,
} from './simulation/sim-stats.js';
import { StationKiller } from './simulation/station-killer.js';
import { serveStore } from './simulation/store-rpc.js';

const USAGE = `usage: pnpm --filter ./apps/pizzeria simulate --workers N --orders M [--lanes L] [--timeout S] [--seed X] [--json] [--kill-stations]
  Forks N worker processes (app instances) that place, queue, cook and complete M orders concurrently
  against one Redis: REDIS_URL=redis://host:port or REDIS_CLUSTER_NODES=host:port,host:port,...
  --kill-stations: worker 0 takes the orders, the others are kitchen stations killed with SIGKILL
  mid-order, repeatedly, and started again; their orders must be reclaimed and completed once.
  Exits 1 on any duplicate, negative stock, stock-ledger mismatch or unfinished order; 2 on bad usage.`;

const WORKER_PATH = fileURLToPath(new URL('./simulate-worker.ts', import.meta.url));
const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

interface RunOutcome {
  readonly reports: WorkerReport[];
  readonly failures: string[];
  readonly seconds: number;
  readonly negativeSamples: number;
  /** Station processes killed with SIGKILL mid-order (crash mode). */
  readonly kills: number;
}

/**
 * Shows how many orders are finished (completed or rejected), from the workers' shared counter: a
 * bar with the time left on a terminal, a line every 5 s otherwise (CI). Returns the stop function.
 */
function showProgress(cache: CacheRepository, config: SimulationConfig): () => void {
  const progress = new Progress({ total: config.orders, unit: 'orders', label: 'simulate' });
  const timer = setInterval(() => {
    cache.get<number>(SIM_KEYS.finished).then(
      (finished) =>
        progress.update(finished ?? 0, { detail: `${config.workers} workers × ${config.lanes} lanes` }),
      () => {}, // an outage: the next tick tries again
    );
  }, 250);
  return () => {
    clearInterval(timer);
    progress.finish();
  };
}

/** Forks the workers, serves them the database, and waits for their reports. */
async function runWorkers(
  config: SimulationConfig,
  database: PizzeriaDatabase,
  cache: CacheRepository & LockBackend,
): Promise<RunOutcome> {
  const reports: WorkerReport[] = [];
  const failures: string[] = [];
  const stopProgress = showProgress(cache, config);
  let negativeSamples = 0;
  const sampler = setInterval(() => {
    database.listIngredients().then(
      (ingredients) => {
        negativeSamples += ingredients.filter((ingredient) => ingredient.stock < 0).length;
      },
      () => {},
    );
  }, 50);
  const started = performance.now();
  const live = new Set<ChildProcess>();
  const killer = config.killStations ? new StationKiller(config) : undefined;
  let stopping = false;

  /** Starts worker `worker` (again, after a kill: `generation` names its new stations). */
  const start = (worker: number, generation: number): Promise<void> => {
    const child = fork(WORKER_PATH, [], {
      cwd: APP_DIR,
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        SIM_CONFIG: JSON.stringify(config),
        SIM_WORKER: String(worker),
        SIM_GENERATION: String(generation),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    live.add(child);
    serveStore(database, child);
    child.on('message', (message: unknown) => {
      const type = (message as { type?: unknown } | null)?.type;
      if (type === 'stats') reports.push(message as WorkerReport);
      if (type === 'cooking' && !stopping) killer?.cooking(child);
    });
    return new Promise<void>((resolve) => {
      child.on('exit', (code, signal) => {
        live.delete(child);
        if (killer?.killed(child)) {
          // A station we killed: start a new one in its place (unless the run is over).
          resolve(stopping ? undefined : start(worker, generation + 1));
          return;
        }
        if (code !== 0) failures.push(`worker ${worker} exited with ${signal ?? `code ${code}`}`);
        resolve();
      });
    });
  };

  const exits = Array.from({ length: config.workers }, (_, worker) => start(worker, 0));
  // Crash mode: killed stations cannot count what they finished, so the parent watches the orders
  // and the kitchen's pending entries, and tells every worker to stop once all are done.
  const watcher = config.killStations
    ? setInterval(() => {
        allSettled(cache, config).then(
          (done) => {
            if (!done || stopping) return;
            stopping = true;
            for (const child of live) child.send({ type: 'stop' }, () => {}); // a dying child may not hear it
          },
          () => {},
        );
      }, 500)
    : undefined;
  // Workers stop at the deadline by themselves; this is for a worker that hangs.
  const hangKiller = setTimeout(
    () => {
      stopping = true;
      for (const child of live) child.kill('SIGKILL');
    },
    Math.max(0, config.deadline - Date.now()) + 15_000,
  );
  await Promise.all(exits);
  clearTimeout(hangKiller);
  clearInterval(watcher);
  clearInterval(sampler);
  stopProgress();
  return {
    reports,
    failures,
    seconds: (performance.now() - started) / 1000,
    negativeSamples,
    kills: killer?.kills ?? 0,
  };
}

/** Whether every order is final and the kitchen holds no unacknowledged entry. */
async function allSettled(cache: CacheRepository & LockBackend, config: SimulationConfig): Promise<boolean> {
  const { final } = await countOrders(cache);
  if (final < config.orders) return false;
  return (await new KitchenQueueService(cache).pendingCount()) === 0;
}

/** Orders by state: final (completed or rejected) and stranded (queued or cooking). */
async function countOrders(cache: CacheRepository): Promise<{ final: number; stranded: number }> {
  let final = 0;
  let stranded = 0;
  for await (const order of new CacheEntityRepository<Order>(cache, { entityName: 'order' }).find()) {
    if (order.status === 'completed' || order.status === 'rejected') final++;
    if (order.status === 'queued' || order.status === 'cooking') stranded++;
  }
  return { final, stranded };
}

/** Reads back every order and counter, and checks the invariants. */
async function verify(
  cache: CacheRepository & LockBackend,
  database: PizzeriaDatabase,
  initialStock: ReadonlyMap<string, number>,
  config: SimulationConfig,
  outcome: RunOutcome,
  backend: BackendConfig,
): Promise<SimulationResult> {
  const total = sumStats(outcome.reports.map((report) => report.stats));
  const overCount = (counts: Record<string, number>) =>
    Object.values(counts).reduce((sum, n) => sum + Math.max(0, Number(n) - 1), 0);
  const duplicates =
    overCount(await cache.hgetall<number>(SIM_KEYS.processed)) +
    overCount(await cache.hgetall<number>(SIM_KEYS.completed));

  let completed = 0;
  let rejected = 0;
  const reserved = new Map<string, number>();
  for await (const order of new CacheEntityRepository<Order>(cache, { entityName: 'order' }).find()) {
    if (order.status === 'completed') completed++;
    if (order.status === 'rejected') rejected++;
    if (order.status === 'queued' || order.status === 'cooking' || order.status === 'completed') {
      for (const [id, units] of Object.entries(order.reserved ?? {}))
        reserved.set(id, (reserved.get(id) ?? 0) + units);
    }
  }

  let negativeStockEvents = total.negativeStockRefusals + outcome.negativeSamples;
  const ledgerMismatches: string[] = [];
  for (const ingredient of await database.listIngredients()) {
    if (ingredient.stock < 0) negativeStockEvents++;
    const cached = await cache.get<number>(InventoryService.stockKeyOf(ingredient.id));
    if (cached !== null && cached < 0) negativeStockEvents++;
    const expected = (initialStock.get(ingredient.id) ?? 0) - (reserved.get(ingredient.id) ?? 0);
    if (ingredient.stock !== expected)
      ledgerMismatches.push(`${ingredient.id} (${ingredient.stock} ≠ ${expected})`);
  }

  const ordersProcessed = completed + rejected;
  const unfinished = config.orders - ordersProcessed;
  const { stranded } = await countOrders(cache);
  const pendingAtEnd = await new KitchenQueueService(cache).pendingCount();
  const reclaimed = (await cache.get<number>(SIM_KEYS.reclaimed)) ?? 0;
  const failures = [...outcome.failures];
  if (duplicates > 0) failures.push(`${duplicates} duplicates`);
  if (negativeStockEvents > 0) failures.push(`${negativeStockEvents} negative-stock events`);
  if (ledgerMismatches.length > 0) failures.push('stock ledger mismatch');
  if (unfinished > 0) failures.push(`${unfinished} orders unfinished`);
  if (stranded > 0) failures.push(`${stranded} orders stranded in the kitchen`);
  if (pendingAtEnd > 0) failures.push(`${pendingAtEnd} kitchen entries never acknowledged`);
  if (outcome.reports.some((report) => report.timedOut)) failures.push('timed out');
  const lookups = total.cacheHits + total.cacheMisses;
  return {
    ok: failures.length === 0,
    backend: describeBackend(backend),
    workers: config.workers,
    lanes: config.lanes,
    orders: config.orders,
    seed: config.seed,
    ordersProcessed,
    completed,
    rejected,
    unfinished,
    duplicates,
    stranded,
    pendingAtEnd,
    kills: outcome.kills,
    reclaimed,
    negativeStockEvents,
    ledgerMismatches,
    redeliveriesAbsorbed: total.redeliveriesAbsorbed,
    repeatCompletionsAbsorbed: total.repeatCompletionsAbsorbed,
    lockAcquired: total.lockAcquired,
    lockWaits: total.lockWaits,
    lockTimeouts: total.lockTimeouts,
    lockLost: total.lockLost,
    staleFenceRefusals: total.staleFenceRefusals,
    changedStockRefusals: total.changedStockRefusals,
    hitRatio: lookups === 0 ? 0 : total.cacheHits / lookups,
    cacheHits: total.cacheHits,
    cacheMisses: total.cacheMisses,
    seconds: outcome.seconds,
    throughput: outcome.seconds > 0 ? ordersProcessed / outcome.seconds : 0,
    errors: total.errors,
    failures,
  };
}

/** Deletes the run's keys, and the lock fencing counters kept beside them. */
async function cleanUp(backend: BackendConfig, keyPrefix: string, cache: CacheRepository): Promise<void> {
  await cache.deletePattern('*');
  const unprefixed = createBackend(backend, '');
  try {
    await unprefixed.connect();
    await unprefixed.deletePattern(`{${keyPrefix}*`);
  } finally {
    await unprefixed.disconnect();
  }
}

async function main(): Promise<number> {
  let args: SimulationArgs;
  let backend: BackendConfig;
  try {
    args = parseSimulationArgs(process.argv.slice(2));
    backend = backendFromEnv();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.killStations && args.workers < 2) {
    console.error(
      `--kill-stations needs --workers 2 or more (one front desk and the stations it kills)\n${USAGE}`,
    );
    return 2;
  }
  if (backend.kind === 'memory') {
    console.error(
      'simulate needs a Redis that the worker processes share: set REDIS_URL (e.g. REDIS_URL=redis://127.0.0.1:6379)\n' +
        'or REDIS_CLUSTER_NODES (e.g. REDIS_CLUSTER_NODES=127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002).\n' +
        `The in-memory backend lives inside one process, so it cannot coordinate several.\n${USAGE}`,
    );
    return 2;
  }
  const keyPrefix = `${KEY_PREFIX}sim:${Date.now().toString(36)}${randomBytes(3).toString('hex')}:`;
  const config: SimulationConfig = {
    backend,
    keyPrefix,
    orders: args.orders,
    workers: args.workers,
    lanes: args.lanes,
    deadline: Date.now() + args.timeoutSeconds * 1000,
    seed: args.seed,
    killStations: args.killStations,
  };
  const stock = simulationStock(SEED_MENU, SEED_INGREDIENTS, args.orders);
  const database = await PizzeriaDatabase.open({ seed: { menu: SEED_MENU, ingredients: stock } });
  const cache = createBackend(backend, keyPrefix);
  try {
    await cache.connect();
  } catch (error) {
    console.error(`cannot reach ${describeBackend(backend)}: ${(error as Error).message}`);
    return 2;
  }
  try {
    console.log(
      `simulating ${args.orders} orders with ${args.workers} workers × ${args.lanes} lanes on ${describeBackend(backend)}…`,
    );
    const outcome = await runWorkers(config, database, cache);
    const result = await verify(
      cache,
      database,
      new Map(stock.map((ingredient) => [ingredient.id, ingredient.stock])),
      config,
      outcome,
      backend,
    );
    console.log(formatResult(result));
    if (args.json) console.log(RESULT_MARKER + JSON.stringify(result));
    await cleanUp(backend, keyPrefix, cache);
    return result.ok ? 0 : 1;
  } finally {
    await cache.disconnect();
    database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
