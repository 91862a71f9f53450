/**
 * Turns the records of a Cluster fault run (a primary killed, frozen, failed over by hand, slots
 * resharded) into the figures its tests assert and print.
 */
import type { WriteCheck } from './key-value-load.js';
import type { OpRecord } from './operation-load.js';
import { countBy, formatCounts, markdownTable, ms, signedMs } from './report-table.js';

/** When things happened, in ms since the load started. */
export interface ClusterFaultTimeline {
  /** The fault was injected (kill, SIGSTOP, `CLUSTER FAILOVER`, reshard started). */
  readonly faultAt: number;
  /** The replica showed as primary in `CLUSTER NODES` of a surviving node (failovers only). */
  readonly promotedAt?: number;
  /** The fault was over: the reshard finished, the old primary was back as a replica. */
  readonly settledAt?: number;
}

/** What a run measured; times are relative to the fault unless named otherwise. */
export interface ClusterFaultSummary {
  readonly ops: number;
  readonly succeeded: number;
  /** Rejections with a Forno error, by code. */
  readonly typedErrors: Readonly<Record<string, number>>;
  readonly errors: number;
  /**
   * Failed operations on keys of the other primaries: `CLUSTERDOWN` while a primary is failed with
   * `cluster-require-full-coverage yes`; with `no`, the client's own collateral damage.
   */
  readonly otherShardErrors: number;
  readonly untyped: number;
  /** Operations that never settled (still pending when the load stopped). */
  readonly pending: number;
  readonly unhandledRejections: number;
  readonly slowestMs: number;
  readonly overBudget: number;
  /** End of the last failed operation (the "errors until"). */
  readonly errorsUntilMs: number | undefined;
  /** Start of the last failed operation, relative to the promotion. */
  readonly lastErrorStartAfterPromotionMs: number | undefined;
  /**
   * The first write to the failed shard issued after the fault that succeeded: when it was
   * acknowledged, relative to the promotion (the client's own delay in finding the new primary).
   */
  readonly firstShardWriteAfterPromotionMs: number | undefined;
  /** Reads of the failed shard between the fault and the promotion: answered / issued. */
  readonly shardReadsDuringOutage: { readonly answered: number; readonly issued: number };
  readonly acknowledgedKeys: number;
  /** Keys holding less than their last acknowledged write. */
  readonly lostWrites: number;
  readonly writable: WriteCheck;
}

/** Computes the figures of a run. `onFailedShard` tells whether a key lived on the faulty primary. */
export function summarizeClusterFault(input: {
  readonly records: readonly OpRecord[];
  readonly timeline: ClusterFaultTimeline;
  readonly budgetMs: number;
  readonly onFailedShard: (key: string) => boolean;
  readonly unhandledRejections: number;
  readonly acknowledgedKeys: number;
  readonly lostWrites: number;
  readonly writable: WriteCheck;
}): ClusterFaultSummary {
  const { records, timeline, budgetMs } = input;
  const { faultAt, promotedAt } = timeline;
  const failed = records.filter((r) => r.outcome.startsWith('E_') || r.outcome === 'untyped');
  const lastEnd = Math.max(...failed.map((r) => r.startedAt + r.durationMs));
  const lastStart = Math.max(...failed.map((r) => r.startedAt));
  const shard = records.filter((r) => r.key !== undefined && input.onFailedShard(r.key));
  const firstWrite = shard
    .filter((r) => r.kind === 'write' && r.startedAt >= faultAt && r.outcome === 'redis')
    .map((r) => r.startedAt + r.durationMs)
    .sort((a, b) => a - b)[0];
  const outageReads = shard.filter(
    (r) => r.kind === 'read' && r.startedAt >= faultAt && r.startedAt < (promotedAt ?? faultAt),
  );
  return {
    ops: records.length,
    succeeded: records.filter((r) => r.outcome === 'redis' || r.outcome === 'fallback').length,
    typedErrors: countBy(failed.filter((r) => r.outcome !== 'untyped').map((r) => r.outcome)),
    errors: failed.length,
    otherShardErrors: failed.filter((r) => r.key !== undefined && !input.onFailedShard(r.key)).length,
    untyped: records.filter((r) => r.outcome === 'untyped').length,
    pending: records.filter((r) => r.outcome === 'pending').length,
    unhandledRejections: input.unhandledRejections,
    slowestMs: Math.max(0, ...records.map((r) => r.durationMs)),
    overBudget: records.filter((r) => !(r.durationMs <= budgetMs)).length,
    errorsUntilMs: failed.length === 0 ? undefined : lastEnd - faultAt,
    lastErrorStartAfterPromotionMs:
      failed.length === 0 || promotedAt === undefined ? undefined : lastStart - promotedAt,
    firstShardWriteAfterPromotionMs:
      firstWrite === undefined || promotedAt === undefined ? undefined : firstWrite - promotedAt,
    shardReadsDuringOutage: {
      answered: outageReads.filter((r) => r.outcome === 'redis' || r.outcome === 'fallback').length,
      issued: outageReads.length,
    },
    acknowledgedKeys: input.acknowledgedKeys,
    lostWrites: input.lostWrites,
    writable: input.writable,
  };
}

/** A Markdown table of a run. */
export function formatClusterFault(
  title: string,
  s: ClusterFaultSummary,
  timeline: ClusterFaultTimeline,
  budgetMs: number,
): string {
  const relative = (n: number | undefined) => (n === undefined ? '—' : signedMs(n));
  return markdownTable(title, [
    [
      'operations: ok / typed errors',
      `${s.ops}: ${s.succeeded} / ${s.errors} (${formatCounts(s.typedErrors)})`,
    ],
    ['errors on the other primaries', String(s.otherShardErrors)],
    ['untyped / never settled / unhandled', `${s.untyped} / ${s.pending} / ${s.unhandledRejections}`],
    ['slowest operation', `${ms(s.slowestMs)} (budget ${ms(budgetMs)}, ${s.overBudget} over)`],
    [
      'promoted / fault over (after the fault)',
      `${relative(timeline.promotedAt === undefined ? undefined : timeline.promotedAt - timeline.faultAt)} / ${relative(timeline.settledAt === undefined ? undefined : timeline.settledAt - timeline.faultAt)}`,
    ],
    ['errors until (after the fault)', relative(s.errorsUntilMs)],
    ['last failed op started (after the promotion)', relative(s.lastErrorStartAfterPromotionMs)],
    [
      'first write to the shard acknowledged (after the promotion)',
      relative(s.firstShardWriteAfterPromotionMs),
    ],
    [
      'reads of the shard before the promotion: answered',
      `${s.shardReadsDuringOutage.answered} / ${s.shardReadsDuringOutage.issued}`,
    ],
    ['acknowledged writes lost', `${s.lostWrites} of ${s.acknowledgedKeys} keys`],
    [
      'every key writable afterwards',
      `${s.writable.written}/${s.writable.keys} (${formatCounts(s.writable.failures)} failed)`,
    ],
  ]);
}

/** One row of the table: run, ok, typed errors, untyped, unhandled, slowest, errors until, writable. */
export function clusterFaultRow(run: string, s: ClusterFaultSummary): string {
  const cells = [
    run,
    s.succeeded.toLocaleString('en'),
    String(s.errors),
    String(s.untyped),
    String(s.unhandledRejections),
    ms(s.slowestMs),
    s.errorsUntilMs === undefined ? '—' : `${(s.errorsUntilMs / 1000).toFixed(1)} s`,
    `${s.writable.written}/${s.writable.keys}`,
  ];
  return `| ${cells.join(' | ')} |`;
}
