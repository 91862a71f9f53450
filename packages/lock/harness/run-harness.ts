import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { FencedCounter } from './fenced-store.js';
import { startHarnessRedis } from './harness-redis.js';
import { countOverlaps } from './hold-audit.js';
import type {
  HarnessPrimitive,
  HoldInterval,
  ParentMessage,
  WorkerMessage,
  WorkerSettings,
  WorkerStats,
} from './protocol.js';

/** Options of {@link runSafetyHarness}. */
export interface SafetyHarnessOptions {
  /** Worker processes (≥ 4 for the scenario). Default 4. */
  readonly workers?: number;
  /** Lock lease in ms. Default 400. */
  readonly leaseMs?: number;
  /** Longest random sleep between a holder's read and its write, in ms. Default 15. */
  readonly maxSleepMs?: number;
  /** Normal running time before, between and after the fault scenarios, in ms. Default 2000. */
  readonly phaseMs?: number;
  /** How many times a holder is SIGSTOPped past its lease. Default 2. */
  readonly pauses?: number;
  /** How long a paused holder stays stopped, in ms (must exceed the lease). Default 3 × lease. */
  readonly pauseMs?: number;
  /**
   * Run Redis with an fsync'd append-only file, so the fencing keys survive the crash. Default
   * `true`; with `false` they are lost, and tokens still increase (they follow the server clock).
   */
  readonly persistence?: boolean;
  /** The Forno Redis driver the workers run on. Default `'ioredis'` (`@forno/redis-driver`). */
  readonly driver?: 'ioredis' | 'node-redis';
  /**
   * One redis-server, or a 3-primary Redis Cluster (the crash then hits the primary serving the
   * lock's slot). Default `'standalone'`.
   */
  readonly topology?: 'standalone' | 'cluster';
  /** What the workers acquire: `DistributedLock` (default), `FairLock`, `ReadWriteLock` or `DistributedSemaphore`. */
  readonly primitive?: HarnessPrimitive;
  /** The semaphore's limit. Default 2. */
  readonly limit?: number;
  /** Reports progress lines. */
  readonly log?: (line: string) => void;
}

/** What the harness measured. `lostUpdates` and `fenceOrderViolations` must be 0. */
export interface SafetyReport {
  readonly primitive: HarnessPrimitive;
  readonly workers: number;
  readonly leaseMs: number;
  readonly durationMs: number;
  readonly acquisitions: number;
  readonly acceptedWrites: number;
  readonly refusedStaleWrites: number;
  readonly refusedStaleReads: number;
  readonly lostUpdates: number;
  readonly fenceOrderViolations: number;
  /**
   * Holdings with valid leases that the primitive should have kept apart: two exclusive holders,
   * a writer and a reader, more permits than the limit. Must be 0.
   */
  readonly overlapViolations: number;
  /** Holdings audited for overlaps (with a valid lease when released). */
  readonly auditedHoldings: number;
  readonly finalCounter: number;
  readonly pausedHolders: number;
  readonly redisRestarts: number;
  readonly workerStats: WorkerStats;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The lock-safety harness: starts a redis-server (or a Cluster: `topology`) with an fsync'd append-only file (unless
 * `persistence: false`), forks worker processes that increment a fenced counter under
 * `DistributedLock`, SIGSTOPs a holder right after its read for longer than its lease (then
 * SIGCONTs it), and separately crashes (SIGKILL) and restarts the redis-server mid-run. Returns
 * the audit. `primitive` picks what the workers acquire (the plain lock, the fair lock, the
 * read-write lock — a third of acquisitions write — or the semaphore, whose permits only hold).
 */
export async function runSafetyHarness(options: SafetyHarnessOptions = {}): Promise<SafetyReport> {
  const workers = options.workers ?? 4;
  const leaseMs = options.leaseMs ?? 400;
  const phaseMs = options.phaseMs ?? 2_000;
  const pauses = options.pauses ?? 2;
  const pauseMs = options.pauseMs ?? 3 * leaseMs;
  const log = options.log ?? (() => {});
  const store = new FencedCounter();
  const persistence = options.persistence ?? true;
  const primitive = options.primitive ?? 'lock';
  const limit = options.limit ?? 2;
  const intervals: HoldInterval[] = [];
  const redis = await startHarnessRedis(options.topology ?? 'standalone', persistence);
  const children: ChildProcess[] = [];
  const stats: WorkerStats[] = [];
  let pauseNextReader: ((child: ChildProcess) => void) | undefined;
  let pausedHolders = 0;
  let redisRestarts = 0;
  const started = performance.now();
  try {
    const settings: WorkerSettings = {
      target: redis.target,
      driver: options.driver ?? 'ioredis',
      leaseMs,
      maxSleepMs: options.maxSleepMs ?? 15,
      primitive,
      limit,
    };
    const ready: Promise<void>[] = [];
    for (let i = 0; i < workers; i++) {
      const child = fork(join(here, 'worker.ts'), [JSON.stringify(settings)], {
        cwd: join(here, '..'),
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      ready.push(
        new Promise((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`worker ${i} exited early (${code})`)));
          child.on('message', (message: WorkerMessage) => {
            if (message.type === 'ready') resolve();
          });
        }),
      );
      child.on('message', (message: WorkerMessage) => {
        const reply = (ok: boolean, value: number, id: number) =>
          child.send({ type: 'reply', id, ok, value } satisfies ParentMessage);
        switch (message.type) {
          case 'acquired':
            store.acquired(message.fencingToken);
            break;
          case 'read': {
            const value = store.read(message.fencingToken);
            reply(value !== undefined, value ?? -1, message.id);
            if (value !== undefined && pauseNextReader !== undefined) {
              pauseNextReader(child);
              pauseNextReader = undefined;
            }
            break;
          }
          case 'write':
            reply(store.write(message.fencingToken, message.base), store.value, message.id);
            break;
          case 'holding':
            pauseNextReader?.(child);
            pauseNextReader = undefined;
            break;
          case 'stats':
            stats.push(message.stats);
            break;
          case 'released':
            intervals.push(message);
            break;
        }
      });
    }
    await Promise.all(ready);
    for (const child of children) child.removeAllListeners('exit');
    log(`${workers} workers running against ${redis.description} (lease ${leaseMs} ms)`);
    await sleep(phaseMs);

    for (let i = 0; i < pauses; i++) {
      const holder = await new Promise<ChildProcess>((resolve) => (pauseNextReader = resolve));
      holder.kill('SIGSTOP');
      pausedHolders++;
      log(`SIGSTOP worker ${holder.pid} while it holds the lock, for ${pauseMs} ms`);
      await sleep(pauseMs);
      holder.kill('SIGCONT');
      await sleep(phaseMs / 2);
    }

    log(
      'crashing the redis-server holding the lock (SIGKILL) mid-run, restarting it 300 ms later on the same port',
    );
    await redis.crashAndRestart(300);
    redisRestarts++;
    await sleep(phaseMs);
  } finally {
    pauseNextReader = undefined;
    await stopWorkers(children);
    await redis.stop();
  }
  const workerStats = stats.reduce(
    (sum, s) => ({
      acquisitions: sum.acquisitions + s.acquisitions,
      lockTimeouts: sum.lockTimeouts + s.lockTimeouts,
      backendErrors: sum.backendErrors + s.backendErrors,
      lostSignals: sum.lostSignals + s.lostSignals,
    }),
    { acquisitions: 0, lockTimeouts: 0, backendErrors: 0, lostSignals: 0 },
  );
  return {
    primitive,
    workers,
    leaseMs,
    durationMs: performance.now() - started,
    acquisitions: store.acquisitions,
    acceptedWrites: store.acceptedWrites,
    refusedStaleWrites: store.refusedStaleWrites,
    refusedStaleReads: store.refusedStaleReads,
    lostUpdates: store.lostUpdates + Math.abs(store.acceptedWrites - store.value),
    fenceOrderViolations: store.fenceOrderViolations,
    overlapViolations: countOverlaps(primitive, intervals, limit),
    auditedHoldings: intervals.filter((i) => i.held).length,
    finalCounter: store.value,
    pausedHolders,
    redisRestarts,
    workerStats,
  };
}

/** Asks every worker to stop after its current iteration; kills those that do not within 10 s. */
async function stopWorkers(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGCONT');
      if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

/** The report as the lines the CLI prints. */
export function formatSafetyReport(report: SafetyReport): string {
  const w = report.workerStats;
  return [
    `Forno lock safety harness (${report.primitive}): ${report.workers} worker processes, lease ${report.leaseMs} ms, ${(report.durationMs / 1000).toFixed(1)} s`,
    `  faults injected          ${report.pausedHolders} holder(s) SIGSTOPped past their lease, ${report.redisRestarts} redis-server restart(s)`,
    `  acquisitions             ${report.acquisitions}`,
    `  accepted writes          ${report.acceptedWrites}`,
    `  refused stale writes     ${report.refusedStaleWrites}`,
    `  refused stale reads      ${report.refusedStaleReads}`,
    `  lost updates             ${report.lostUpdates}   (must be 0)`,
    `  fence-order violations   ${report.fenceOrderViolations}   (must be 0)`,
    `  overlapping holders      ${report.overlapViolations}   (must be 0; ${report.auditedHoldings} holdings with valid leases audited)`,
    `  final counter            ${report.finalCounter}   (= accepted writes)`,
    `  seen by workers          ${w.lostSignals} lock.signal aborted (lost), ${w.lockTimeouts} LockTimeoutError, ${w.backendErrors} backend errors`,
  ].join('\n');
}
