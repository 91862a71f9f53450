import { setTimeout as sleep } from 'node:timers/promises';
import { type CacheRepository, isCacheError, type LockBackend } from '@forno/core';
import { DistributedLock, type LockDurability, LockNotReplicatedError } from '../src/index.js';

/** A resource that remembers the highest fencing token it has seen and refuses lower ones (as a database would). */
class FencedCounter {
  highest = 0;
  value = 0;
  accepted = 0;
  refused = 0;
  lostUpdates = 0;

  read(token: number): number | undefined {
    if (token < this.highest) return this.refuse();
    this.highest = token;
    return this.value;
  }

  write(token: number, expected: number): void {
    if (token < this.highest) {
      this.refuse();
      return;
    }
    this.highest = token;
    if (this.value !== expected) this.lostUpdates++;
    this.value++;
    this.accepted++;
  }

  refuse(): undefined {
    this.refused++;
    return undefined;
  }
}

/** One group of workers contending for one lock with one durability. */
export interface FencedGroup {
  readonly durability: LockDurability;
  /** A repository per worker (as separate processes would have). */
  readonly repositories: readonly (CacheRepository & LockBackend)[];
  readonly key: string;
}

/** What a group saw during the run. */
export interface FencedGroupReport {
  readonly durability: LockDurability;
  readonly grants: number;
  readonly acceptedWrites: number;
  readonly refusedWrites: number;
  readonly lostUpdates: number;
  /** Tokens handed out more than once. */
  readonly tokensIssuedTwice: number;
  /** Grants whose token was not above the previous grant's (in the order `acquire()` returned). */
  readonly fenceOrderViolations: number;
  /** Acquisitions refused with `LockNotReplicatedError` (no replica confirmed in time). */
  readonly notReplicated: number;
  /** Other typed (`CacheError`) failures: timeouts, the primary being switched. */
  readonly typedErrors: number;
  readonly untypedErrors: readonly unknown[];
}

/**
 * Workers loop acquire → fenced read → fenced write → release on each group's lock; once each
 * group has granted 20 times, `fault` runs (a failover), and the load goes on for `afterMs` more.
 * Returns what each group saw.
 */
export async function runFencedLoad(
  groups: readonly FencedGroup[],
  fault: () => Promise<void>,
  afterMs: number,
): Promise<FencedGroupReport[]> {
  let running = true;
  const runs = groups.map((group) => {
    const counter = new FencedCounter();
    const issued: number[] = [];
    const errors = { notReplicated: 0, typed: 0, untyped: [] as unknown[] };
    const workers = group.repositories.map(async (repository) => {
      const lock = new DistributedLock(repository, group.key, {
        timeout: '2s',
        waitTimeout: '3s',
        retryDelay: '20ms',
        retryJitter: '10ms',
        durability: group.durability,
        replicationTimeout: '250ms',
      });
      while (running) {
        try {
          await using held = await lock.acquire();
          issued.push(held.fencingToken);
          const value = counter.read(held.fencingToken);
          await sleep(1);
          if (value !== undefined) counter.write(held.fencingToken, value);
        } catch (error) {
          if (LockNotReplicatedError.is(error)) errors.notReplicated++;
          else if (isCacheError(error)) errors.typed++;
          else errors.untyped.push(error);
          await sleep(20);
        }
      }
    });
    return { group, counter, issued, errors, done: Promise.all(workers) };
  });
  try {
    // Every group is up and granting before the fault (at most 5 s).
    for (let waited = 0; waited < 5_000 && runs.some((run) => run.issued.length < 20); waited += 20) {
      await sleep(20);
    }
    await fault();
    await sleep(afterMs);
  } finally {
    running = false;
    await Promise.all(runs.map((run) => run.done));
  }
  return runs.map(({ group, counter, issued, errors }) => ({
    durability: group.durability,
    grants: issued.length,
    acceptedWrites: counter.accepted,
    refusedWrites: counter.refused,
    lostUpdates: counter.lostUpdates,
    tokensIssuedTwice: issued.length - new Set(issued).size,
    fenceOrderViolations: issued.filter((token, i) => i > 0 && token <= issued[i - 1]!).length,
    notReplicated: errors.notReplicated,
    typedErrors: errors.typed,
    untypedErrors: errors.untyped,
  }));
}

/** One line per group, for the test log. */
export function formatFencedReport(label: string, reports: readonly FencedGroupReport[]): string {
  return reports
    .map(
      (r) =>
        `[fencing] ${label}, durability '${r.durability}': ${r.grants} grants, ${r.acceptedWrites} writes accepted, ` +
        `${r.refusedWrites} refused (stale token), ${r.lostUpdates} lost updates, ${r.tokensIssuedTwice} tokens issued twice, ` +
        `${r.fenceOrderViolations} out of order, ${r.notReplicated} not confirmed by a replica, ${r.typedErrors} other typed errors`,
    )
    .join('\n');
}
