/** Marks the machine-readable line `simulate --json` prints. */
export const RESULT_MARKER = 'SIMULATION_RESULT ';

/** What one worker counted. */
export interface WorkerStats {
  placed: number;
  /** Processing that took stock and queued the order. */
  processed: number;
  /** Processing that found too little stock. */
  rejected: number;
  /** Redelivered orders found already processed (the idempotency check at work). */
  redeliveriesAbsorbed: number;
  /** Completions that found the order already completed (the second "done" click). */
  repeatCompletionsAbsorbed: number;
  completed: number;
  /** Stock writes the database refused as negative (must stay 0: the service checks first). */
  negativeStockRefusals: number;
  /** Stock writes refused for a stale fencing token. */
  staleFenceRefusals: number;
  /** Stock writes refused because the stock changed between read and write. */
  changedStockRefusals: number;
  lockAcquired: number;
  lockWaits: number;
  lockTimeouts: number;
  lockLost: number;
  cacheHits: number;
  cacheMisses: number;
  /** Operations that failed and were retried, by error code. */
  errors: Record<string, number>;
}

/** A worker's final message. */
export interface WorkerReport {
  readonly type: 'stats';
  readonly worker: number;
  readonly stats: WorkerStats;
  readonly timedOut: boolean;
}

export function emptyStats(): WorkerStats {
  return {
    placed: 0,
    processed: 0,
    rejected: 0,
    redeliveriesAbsorbed: 0,
    repeatCompletionsAbsorbed: 0,
    completed: 0,
    negativeStockRefusals: 0,
    staleFenceRefusals: 0,
    changedStockRefusals: 0,
    lockAcquired: 0,
    lockWaits: 0,
    lockTimeouts: 0,
    lockLost: 0,
    cacheHits: 0,
    cacheMisses: 0,
    errors: {},
  };
}

/** Sums worker stats. */
export function sumStats(all: readonly WorkerStats[]): WorkerStats {
  const total = emptyStats();
  for (const stats of all) {
    for (const key of Object.keys(total) as (keyof WorkerStats)[]) {
      if (key === 'errors') {
        for (const [code, n] of Object.entries(stats.errors))
          total.errors[code] = (total.errors[code] ?? 0) + n;
      } else {
        total[key] += stats[key];
      }
    }
  }
  return total;
}

/** The simulation's verdict, printed and (with `--json`) emitted as one JSON line. */
export interface SimulationResult {
  readonly ok: boolean;
  readonly backend: string;
  readonly workers: number;
  readonly lanes: number;
  readonly orders: number;
  readonly seed: number;
  /** Orders that reached a final state. */
  readonly ordersProcessed: number;
  readonly completed: number;
  readonly rejected: number;
  readonly unfinished: number;
  /** Orders processed or completed more than once, counted in Redis by the workers. */
  readonly duplicates: number;
  /** Orders left `queued` or `cooking` at the end: lost by the kitchen. */
  readonly stranded: number;
  /** Kitchen stream entries taken and never acknowledged at the end. */
  readonly pendingAtEnd: number;
  /** Station processes killed with SIGKILL mid-order (`--kill-stations`). */
  readonly kills: number;
  /** Kitchen orders taken over from a dead station (`XAUTOCLAIM`). */
  readonly reclaimed: number;
  /** Negative stock seen anywhere: refused writes, samples of the database during the run, final database and cache. */
  readonly negativeStockEvents: number;
  /** Ingredients whose final stock differs from initial − what accepted orders reserved. */
  readonly ledgerMismatches: readonly string[];
  readonly redeliveriesAbsorbed: number;
  readonly repeatCompletionsAbsorbed: number;
  readonly lockAcquired: number;
  readonly lockWaits: number;
  readonly lockTimeouts: number;
  readonly lockLost: number;
  readonly staleFenceRefusals: number;
  readonly changedStockRefusals: number;
  readonly hitRatio: number;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  readonly seconds: number;
  readonly throughput: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly failures: readonly string[];
}

/** The human-readable report. */
export function formatResult(result: SimulationResult): string {
  const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
  const errors = Object.entries(result.errors)
    .map(([code, n]) => `${code} ×${n}`)
    .join(', ');
  return [
    `Mario's Pizzeria simulation — ${result.workers} workers × ${result.lanes} lanes, ${result.orders} orders, seed ${result.seed}`,
    `backend:                 ${result.backend}`,
    `orders processed:        ${result.ordersProcessed}/${result.orders} (${result.completed} completed, ${result.rejected} rejected for stock, ${result.unfinished} unfinished)`,
    `duplicates:              ${result.duplicates}  (every order was delivered twice and completed twice: ${result.redeliveriesAbsorbed} redeliveries and ${result.repeatCompletionsAbsorbed} repeat completions absorbed)`,
    `kitchen:                 ${result.stranded} stranded, ${result.pendingAtEnd} unacknowledged; ${result.kills} stations killed mid-order, ${result.reclaimed} orders reclaimed from dead stations`,
    `negative-stock events:   ${result.negativeStockEvents}`,
    `stock ledger:            ${result.ledgerMismatches.length === 0 ? 'balanced' : `MISMATCH in ${result.ledgerMismatches.join(', ')}`}`,
    `locks:                   ${result.lockAcquired} acquired, ${result.lockWaits} waits, ${result.lockTimeouts} timeouts, ${result.lockLost} lost`,
    `fenced writes refused:   ${result.staleFenceRefusals} stale token, ${result.changedStockRefusals} changed stock`,
    `menu cache hit ratio:    ${pct(result.hitRatio)} (${result.cacheHits} hits, ${result.cacheMisses} misses)`,
    `throughput:              ${result.throughput.toFixed(1)} orders/s (${result.seconds.toFixed(2)} s)`,
    `retried errors:          ${errors === '' ? 'none' : errors}`,
    `result:                  ${result.ok ? 'OK' : `FAILED — ${result.failures.join('; ')}`}`,
  ].join('\n');
}
