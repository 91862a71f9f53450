/**
 * Turns the records of an outage run behind a circuit breaker (`ResilientCacheRepository` on a
 * frozen or killed server) into the figures its tests assert and print.
 */
import type { CircuitState } from '@forno/core';
import type { OpRecord } from './operation-load.js';
import { countBy, formatCounts, markdownTable, ms, signedMs } from './report-table.js';

/** A circuit transition, in milliseconds since the load started. */
export interface Transition {
  readonly at: number;
  readonly state: CircuitState;
  readonly previous: CircuitState;
}

/** When the fault was injected and when the server was back, in ms since the load started. */
export interface OutageTimeline {
  readonly faultAt: number;
  readonly recoveredAt: number;
}

/** The budgets the issue sets. */
export interface OutageBudgets {
  /** `commandTimeout` + 300 ms: no operation may take longer. */
  readonly latencyMs: number;
  /** `recoveryTimeout` + one probe: how soon after recovery the circuit must close. */
  readonly closeMs: number;
}

/** Everything a run measured. */
export interface OutageSummary {
  readonly ops: number;
  readonly reads: number;
  readonly writes: number;
  readonly opsPerSecond: number;
  readonly maxLatencyMs: number;
  readonly p99LatencyMs: number;
  readonly overBudget: number;
  readonly transitions: readonly Transition[];
  /** Reads started while the circuit was open, and how many of those the fallback answered. */
  readonly readsWhileOpen: number;
  readonly fallbackWhileOpen: number;
  /**
   * Reads issued while the circuit looked open that Redis itself answered: the circuit went
   * half-open between the record and the call (a boundary race, only at the end of an outage).
   */
  readonly redisWhileOpen: number;
  /** Every read the fallback answered, and reads that failed (by error code). */
  readonly fallbackHits: number;
  readonly readFailures: Readonly<Record<string, number>>;
  readonly writesAcknowledged: number;
  readonly writesRejected: Readonly<Record<string, number>>;
  /** Operations rejected with something other than a Forno error, or never settled. */
  readonly untyped: number;
  readonly pending: number;
  /** Time from recovery to the circuit's last `closed` transition; `undefined` if it never closed after the fault. */
  readonly closedAfterRecoveryMs: number | undefined;
  readonly unhandledRejections: number;
}

/** Computes the figures of a run. */
export function summarize(
  records: readonly OpRecord[],
  transitions: readonly Transition[],
  timeline: OutageTimeline,
  budgets: OutageBudgets,
  unhandledRejections: number,
): OutageSummary {
  const reads = records.filter((r) => r.kind === 'read');
  const writes = records.filter((r) => r.kind === 'write');
  const latencies = records.map((r) => r.durationMs).sort((a, b) => a - b);
  const readsWhileOpen = reads.filter((r) => r.circuit === 'open');
  // The circuit may close a hair before `recoveredAt` (the server answers before resume() returns).
  const lastClose = transitions.filter((t) => t.state === 'closed' && t.at >= timeline.faultAt).at(-1);
  const span = (records.at(-1)?.startedAt ?? 0) - (records[0]?.startedAt ?? 0);
  return {
    ops: records.length,
    reads: reads.length,
    writes: writes.length,
    opsPerSecond: span > 0 ? Math.round((records.length * 1000) / span) : 0,
    maxLatencyMs: latencies.at(-1) ?? 0,
    p99LatencyMs: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    overBudget: records.filter((r) => !(r.durationMs <= budgets.latencyMs)).length,
    transitions,
    readsWhileOpen: readsWhileOpen.length,
    fallbackWhileOpen: readsWhileOpen.filter((r) => r.outcome === 'fallback').length,
    redisWhileOpen: readsWhileOpen.filter((r) => r.outcome === 'redis').length,
    fallbackHits: reads.filter((r) => r.outcome === 'fallback').length,
    readFailures: countBy(reads.filter((r) => r.outcome.startsWith('E_')).map((r) => r.outcome)),
    writesAcknowledged: writes.filter((r) => r.outcome === 'redis').length,
    writesRejected: countBy(writes.filter((r) => r.outcome.startsWith('E_')).map((r) => r.outcome)),
    untyped: records.filter((r) => r.outcome === 'untyped').length,
    pending: records.filter((r) => r.outcome === 'pending').length,
    closedAfterRecoveryMs: lastClose === undefined ? undefined : lastClose.at - timeline.recoveredAt,
    unhandledRejections,
  };
}

/** A Markdown table of a run, ready to paste into the README. */
export function formatSummary(
  title: string,
  s: OutageSummary,
  timeline: OutageTimeline,
  budgets: OutageBudgets,
): string {
  const transitions = s.transitions
    .map(
      (t) =>
        `${t.state} @ ${ms(t.at)} (${signedMs(t.at - (t.at >= timeline.recoveredAt ? timeline.recoveredAt : timeline.faultAt))} ${t.at >= timeline.recoveredAt ? 'after recovery' : 'after fault'})`,
    )
    .join('; ');
  const rows: ReadonlyArray<readonly [string, string]> = [
    ['operations (reads / writes)', `${s.ops} (${s.reads} / ${s.writes}), ${s.opsPerSecond} ops/s`],
    ['fault injected / server back', `${ms(timeline.faultAt)} / ${ms(timeline.recoveredAt)}`],
    ['max latency (p99)', `${ms(s.maxLatencyMs)} (${ms(s.p99LatencyMs)}); budget ${ms(budgets.latencyMs)}`],
    ['operations over budget', String(s.overBudget)],
    ['breaker transitions', transitions || 'none'],
    [
      'circuit closed after recovery',
      `${s.closedAfterRecoveryMs === undefined ? 'never' : ms(s.closedAfterRecoveryMs)}; budget ${ms(budgets.closeMs)}`,
    ],
    [
      'reads while open: served by fallback',
      `${s.fallbackWhileOpen} / ${s.readsWhileOpen} (${s.redisWhileOpen} by Redis as the circuit turned half-open)`,
    ],
    ['fallback hits (all reads)', String(s.fallbackHits)],
    ['reads failed', formatCounts(s.readFailures)],
    ['writes acknowledged', String(s.writesAcknowledged)],
    ['writes rejected (typed)', formatCounts(s.writesRejected)],
    ['untyped errors / never settled', `${s.untyped} / ${s.pending}`],
    ['unhandled rejections', String(s.unhandledRejections)],
  ];
  return markdownTable(title, rows);
}

/** The `count` slowest operations, one per line, to see where a budget went. */
export function formatSlowest(records: readonly OpRecord[], count: number): string {
  return [...records]
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, count)
    .map(
      (r) =>
        `${Math.round(r.durationMs)} ms  ${r.operation} started @ ${Math.round(r.startedAt)} ms (circuit ${r.circuit}) → ${r.outcome}`,
    )
    .join('\n');
}
