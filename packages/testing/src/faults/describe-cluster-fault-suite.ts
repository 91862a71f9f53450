import { setTimeout as delay } from 'node:timers/promises';
import { type CacheRepository, hashSlotOf } from '@forno/core';
import { describe, expect, it } from 'vitest';
import type { HostAndPort } from '../servers/host-and-port.js';
import { startRedisCluster } from '../servers/redis-cluster.js';
import {
  type ClusterFaultSummary,
  type ClusterFaultTimeline,
  clusterFaultRow,
  formatClusterFault,
  summarizeClusterFault,
} from './cluster-fault-report.js';
import {
  type ClusterFault,
  castFor,
  freezePrimary,
  killPrimary,
  manualFailover,
  reshardSlots,
} from './cluster-faults.js';
import { KeyValueLoad } from './key-value-load.js';
import { OperationLoad, type OpRecord } from './operation-load.js';
import { formatSlowest } from './outage-report.js';

/** What the suite asks the backend under test for. */
export interface ClusterFaultRepositoryOptions {
  /** Startup nodes of the cluster. */
  readonly nodes: readonly HostAndPort[];
  readonly keyPrefix: string;
  /** Deadline of every operation: each must settle within it (plus scheduling slack). */
  readonly commandTimeoutMs: number;
  /** Serve reads from replicas while a primary is down (only asked for when `replicaReads` is set). */
  readonly replicaReads: boolean;
}

/** Options of {@link describeClusterFaultSuite}. */
export interface ClusterFaultSuiteOptions {
  /** Creates a connected repository on the cluster. */
  createRepository(options: ClusterFaultRepositoryOptions): CacheRepository | Promise<CacheRepository>;
  /** The backend can read from replicas during a primary outage: adds a fifth test for it. */
  readonly replicaReads?: boolean;
  /** Default 500 ms. */
  readonly commandTimeoutMs?: number;
  /** Scheduling slack on top of `commandTimeoutMs` for the slowest operation. Default 300 ms. */
  readonly slackMs?: number;
  /** `cluster-node-timeout` of the test clusters. Default 1500 ms. */
  readonly nodeTimeoutMs?: number;
  /** Operations per second of the load (half `get`, half `set`, 10 000 keys). Default 1000. */
  readonly ratePerSecond?: number;
  /**
   * Failures must stop this soon after the promotion shows in `CLUSTER NODES` (measured as the
   * start of the last failed operation), and the first write to the failed shard must be
   * acknowledged by then too. Default `commandTimeoutMs + 500`.
   */
  readonly errorWindowMs?: number;
}

/** Everything one run produced. */
export interface ClusterFaultRun {
  readonly summary: ClusterFaultSummary;
  readonly timeline: ClusterFaultTimeline;
  readonly records: readonly OpRecord[];
  /** Whether a key (without prefix) lives on the faulty primary's slots. */
  onFailedShard(key: string): boolean;
}

const KEY_PREFIX = 'faults:';
const BEFORE_FAULT_MS = 1_000;
const AFTER_FAULT_MS = 1_500;
const TEST_TIMEOUT_MS = 120_000;
const TYPED_FAULT_CODES = ['E_CACHE_TIMEOUT', 'E_CACHE_UNAVAILABLE'];

/**
 * Starts a fresh 3-primary/3-replica cluster, runs a steady get/set load on a repository from
 * `options.createRepository`, injects `fault`, and measures how every operation settled.
 */
export async function runClusterFault(
  fault: ClusterFault,
  options: ClusterFaultSuiteOptions,
  replicaReads = false,
): Promise<ClusterFaultRun> {
  const commandTimeoutMs = options.commandTimeoutMs ?? 500;
  const budgetMs = commandTimeoutMs + (options.slackMs ?? 300);
  const cluster = await startRedisCluster({
    nodeTimeoutMs: options.nodeTimeoutMs ?? 1_500,
    args: [
      // With Redis' default (`yes`), every node — the healthy primaries too — answers CLUSTERDOWN
      // from the failure detection until the promotion, and no client can do anything about it:
      // `no` confines the outage to the failed primary's slots, so errors elsewhere are the client's.
      ...['--cluster-require-full-coverage', 'no'],
      // Without it, between the failure detection and the promotion every node answers CLUSTERDOWN,
      // replicas included, so there would be nothing to read from.
      ...(replicaReads ? ['--cluster-allow-reads-when-down', 'yes'] : []),
    ],
  });
  let unhandled = 0;
  const onUnhandled = () => {
    unhandled += 1;
  };
  process.on('unhandledRejection', onUnhandled);
  let repo: CacheRepository | undefined;
  try {
    const cast = await castFor(cluster);
    repo = await options.createRepository({
      nodes: cluster.startupNodes,
      keyPrefix: KEY_PREFIX,
      commandTimeoutMs,
      replicaReads,
    });
    const keyValues = new KeyValueLoad(repo);
    const load = new OperationLoad({
      ratePerSecond: options.ratePerSecond ?? 1_000,
      seed: 21,
      next: keyValues.next,
    });
    load.start();
    await delay(BEFORE_FAULT_MS);
    const faultAt = load.now();
    const marks = await fault.inject(cluster, cast, () => load.now());
    const timeline: ClusterFaultTimeline = { faultAt, ...marks };
    await delay(AFTER_FAULT_MS);
    await load.stop(budgetMs + 2_000);
    await delay(100); // let a stray rejection surface before counting
    const lost = await keyValues.lostWrites();
    const writable = await keyValues.writeEveryKey();
    const onFailedShard = (key: string) => {
      const slot = hashSlotOf(KEY_PREFIX + key);
      return cast.victimSlots.some(([from, to]) => slot >= from && slot <= to);
    };
    const summary = summarizeClusterFault({
      records: load.records,
      timeline,
      budgetMs,
      onFailedShard,
      unhandledRejections: unhandled,
      acknowledgedKeys: keyValues.acknowledgedKeys,
      lostWrites: lost.length,
      writable,
    });
    const title = `${fault.name}${replicaReads ? ', reads from replicas' : ''}`;
    console.info(
      [
        formatClusterFault(title, summary, timeline, budgetMs),
        clusterFaultRow('run', summary),
        'slowest operations:',
        formatSlowest(load.records, 5),
        '',
      ].join('\n'),
    );
    return { summary, timeline, records: load.records, onFailedShard };
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await repo?.disconnect().catch(() => undefined);
    await cluster.stop();
  }
}

/**
 * Registers the Cluster fault suite with vitest: under a steady get/set load, a primary is
 * SIGKILLed; frozen past `cluster-node-timeout` then resumed; failed over by hand (`CLUSTER
 * FAILOVER`); and 300 slots are resharded live. Each test starts its own small cluster (~3 s) and
 * asserts: no operation slower than `commandTimeout` + slack, only typed errors, no unhandled
 * rejection, failures confined to the failed primary's slots (the clusters run with
 * `cluster-require-full-coverage no`) and stopping within `errorWindowMs` of the promotion, every key writable
 * afterwards; and for the manual failover and the resharding, no error at all and no acknowledged
 * write lost. Every backend (each driver) runs the same suite.
 *
 * ```ts
 * describeClusterFaultSuite('my driver', {
 *   createRepository: async ({ nodes, keyPrefix, commandTimeoutMs }) => connectMyDriver({ ... }),
 * });
 * ```
 */
export function describeClusterFaultSuite(name: string, options: ClusterFaultSuiteOptions): void {
  const commandTimeoutMs = options.commandTimeoutMs ?? 500;
  const budgetMs = commandTimeoutMs + (options.slackMs ?? 300);
  const errorWindowMs = options.errorWindowMs ?? commandTimeoutMs + 500;

  const expectSettledInTime = ({ summary: s }: ClusterFaultRun) => {
    expect(s.ops, 'the load ran').toBeGreaterThan(1_000);
    expect(s.slowestMs, 'no operation took longer than commandTimeout + slack').toBeLessThanOrEqual(budgetMs);
    expect(s.overBudget).toBe(0);
    expect(s.untyped + s.pending, 'no untyped error, nothing left hanging').toBe(0);
    expect(s.unhandledRejections, 'no unhandled rejection').toBe(0);
    for (const code of Object.keys(s.typedErrors)) expect(TYPED_FAULT_CODES).toContain(code);
    expect(s.writable.failures, 'every key writable afterwards').toEqual({});
    expect(s.writable.written).toBe(s.writable.keys);
  };
  const expectRecoveredQuickly = ({ summary: s }: ClusterFaultRun) => {
    expect(s.otherShardErrors, "errors confined to the failed primary's slots").toBe(0);
    expect(s.firstShardWriteAfterPromotionMs, 'writes to the failed shard succeed again').toBeDefined();
    expect(s.firstShardWriteAfterPromotionMs!, 'soon after the promotion').toBeLessThanOrEqual(errorWindowMs);
    if (s.lastErrorStartAfterPromotionMs !== undefined) {
      expect(s.lastErrorStartAfterPromotionMs, 'errors stop soon after the promotion').toBeLessThanOrEqual(
        errorWindowMs,
      );
    }
  };
  const expectUndisturbed = ({ summary: s }: ClusterFaultRun) => {
    expect(s.typedErrors, 'no error at all').toEqual({});
    expect(s.lostWrites, 'no acknowledged write lost').toBe(0);
    expect(s.acknowledgedKeys).toBeGreaterThan(100);
  };

  describe(`Cluster faults under load: ${name}`, () => {
    it(
      'a primary is SIGKILLed: every operation settles in time and typed, writes resume once the replica is promoted',
      async () => {
        const run = await runClusterFault(killPrimary, options);
        expectSettledInTime(run);
        expectRecoveredQuickly(run);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a primary is frozen (SIGSTOP) past cluster-node-timeout, then resumed: it returns as a replica, nothing overruns',
      async () => {
        const run = await runClusterFault(freezePrimary, options);
        expectSettledInTime(run);
        expectRecoveredQuickly(run);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a manual CLUSTER FAILOVER under load: no error at all, no acknowledged write lost',
      async () => {
        const run = await runClusterFault(manualFailover, options);
        expectSettledInTime(run);
        expectUndisturbed(run);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      `a live resharding (redis-cli --cluster reshard) under load: no error at all, no acknowledged write lost`,
      async () => {
        const run = await runClusterFault(reshardSlots, options);
        expectSettledInTime(run);
        expectUndisturbed(run);
      },
      TEST_TIMEOUT_MS,
    );

    if (options.replicaReads) {
      it(
        'with reads from replicas, reads of a SIGKILLed primary keep being answered before the promotion',
        async () => {
          const run = await runClusterFault(killPrimary, options, true);
          expectSettledInTime(run);
          expectRecoveredQuickly(run);
          const { faultAt, promotedAt = faultAt } = run.timeline;
          // Reads in flight when the primary died may fail; the ones issued once its connection
          // is known to be gone must all be answered, by the replica.
          const reads = run.records.filter(
            (r) =>
              r.kind === 'read' &&
              r.key !== undefined &&
              run.onFailedShard(r.key) &&
              r.startedAt >= faultAt + commandTimeoutMs &&
              r.startedAt < promotedAt,
          );
          console.log(
            'FAULT',
            faultAt,
            'PROMOTED',
            promotedAt,
            reads
              .filter((r) => r.outcome !== 'redis')
              .map((r) => `${Math.round(r.startedAt - faultAt)}:${Math.round(r.durationMs)}:${r.outcome}`)
              .join(' '),
          );
          expect(reads.length, 'reads of the shard were issued during the outage').toBeGreaterThan(50);
          expect(reads.filter((r) => r.outcome !== 'redis')).toEqual([]);
        },
        TEST_TIMEOUT_MS,
      );
    }
  });
}
