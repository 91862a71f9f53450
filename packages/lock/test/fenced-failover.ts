import { setTimeout as sleep } from 'node:timers/promises';
import { type CacheRepository, isCacheError, type LockBackend } from '@forno/core';
import {
  DistributedLock,
  DistributedSemaphore,
  FairLock,
  type Lock,
  type LockDurability,
  LockNotReplicatedError,
  ReadWriteLock,
  type SemaphorePermit,
} from '../src/index.js';

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

/**
 * What a group contends for: a fenced lock (`DistributedLock`, `FairLock`, or `ReadWriteLock`,
 * where one acquisition in three writes and the others read) or a `DistributedSemaphore` permit
 * (limit 1; permits carry no fencing token).
 */
export type FencedPrimitive = 'lock' | 'fair' | 'read-write' | 'semaphore';

/** One group of workers contending for one lock with one durability. */
export interface FencedGroup {
  /** Default `'lock'`. */
  readonly primitive?: FencedPrimitive;
  readonly durability: LockDurability;
  /** A repository per worker (as separate processes would have). */
  readonly repositories: readonly (CacheRepository & LockBackend)[];
  readonly key: string;
}

/** What a group saw during the run. */
export interface FencedGroupReport {
  readonly primitive: FencedPrimitive;
  readonly durability: LockDurability;
  readonly grants: number;
  readonly acceptedWrites: number;
  readonly refusedWrites: number;
  readonly lostUpdates: number;
  /** Tokens handed out more than once. */
  readonly tokensIssuedTwice: number;
  /**
   * Grants whose token was not above the previous grant's, in the order `acquire()` returned
   * (readers of a read-write lock: not above the previous writer's).
   */
  readonly fenceOrderViolations: number;
  /**
   * Grants made while another holder of the group still held a valid lease that excludes it (a
   * writer or a permit beside anyone, a reader beside a writer), as this process saw them.
   */
  readonly overlaps: number;
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
    const grants = { count: 0 };
    const issued: Grant[] = [];
    const errors = { notReplicated: 0, typed: 0, untyped: [] as unknown[] };
    const holders = new Holders();
    const workers = group.repositories.map(async (repository) => {
      const pick = sourcesOf(group, repository);
      while (running) {
        try {
          const { source, kind } = pick();
          await using held = await source.acquire();
          grants.count++;
          holders.enter(kind, held);
          try {
            if ('fencingToken' in held) {
              issued.push({ token: held.fencingToken, kind });
              const value = counter.read(held.fencingToken);
              await sleep(1);
              if (value !== undefined && kind === 'exclusive') counter.write(held.fencingToken, value);
            } else {
              await sleep(1);
            }
          } finally {
            holders.leave(held);
          }
        } catch (error) {
          if (LockNotReplicatedError.is(error)) errors.notReplicated++;
          else if (isCacheError(error)) errors.typed++;
          else errors.untyped.push(error);
          await sleep(20);
        }
      }
    });
    return { group, counter, grants, issued, holders, errors, done: Promise.all(workers) };
  });
  try {
    // Every group is up and granting before the fault (at most 5 s).
    for (let waited = 0; waited < 5_000 && runs.some((run) => run.grants.count < 20); waited += 20) {
      await sleep(20);
    }
    await fault();
    await sleep(afterMs);
  } finally {
    running = false;
    await Promise.all(runs.map((run) => run.done));
  }
  return runs.map(({ group, counter, grants, issued, holders, errors }) => ({
    primitive: group.primitive ?? 'lock',
    durability: group.durability,
    grants: grants.count,
    acceptedWrites: counter.accepted,
    refusedWrites: counter.refused,
    lostUpdates: counter.lostUpdates,
    tokensIssuedTwice: issued.length - new Set(issued.map((grant) => grant.token)).size,
    fenceOrderViolations: outOfOrder(issued),
    overlaps: holders.overlaps,
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
        `[fencing] ${label}, ${r.primitive}, durability '${r.durability}': ${r.grants} grants, ${r.acceptedWrites} writes accepted, ` +
        `${r.refusedWrites} refused (stale token), ${r.lostUpdates} lost updates, ${r.tokensIssuedTwice} tokens issued twice, ` +
        `${r.fenceOrderViolations} out of order, ${r.overlaps} overlapping holders, ${r.notReplicated} not confirmed by a replica, ` +
        `${r.typedErrors} other typed errors`,
    )
    .join('\n');
}

/** How a worker holds what it acquired: alone (a writer or a mutex), beside readers, or as a permit. */
type HoldKind = 'exclusive' | 'shared' | 'permit';

/** A fenced grant, in the order `acquire()` returned. */
interface Grant {
  readonly token: number;
  readonly kind: HoldKind;
}

/**
 * Grants whose token is not above every token that must precede it: an exclusive grant follows
 * every grant before it; a shared one (a reader) follows the exclusive grants before it, but
 * readers granted side by side may return in either order.
 */
function outOfOrder(grants: readonly Grant[]): number {
  let highest = 0;
  let highestExclusive = 0;
  let violations = 0;
  for (const { token, kind } of grants) {
    if (token <= (kind === 'shared' ? highestExclusive : highest)) violations++;
    highest = Math.max(highest, token);
    if (kind === 'exclusive') highestExclusive = Math.max(highestExclusive, token);
  }
  return violations;
}

/** Returns, per acquisition, the primitive a worker of `group` on `repository` acquires next. */
function sourcesOf(
  group: FencedGroup,
  repository: CacheRepository & LockBackend,
): () => { source: { acquire(): Promise<Lock | SemaphorePermit> }; kind: HoldKind } {
  const options = {
    timeout: '2s',
    waitTimeout: '3s',
    retryDelay: '20ms',
    retryJitter: '10ms',
    durability: group.durability,
    replicationTimeout: '250ms',
  } as const;
  switch (group.primitive ?? 'lock') {
    case 'lock': {
      const lock = new DistributedLock(repository, group.key, options);
      return () => ({ source: lock, kind: 'exclusive' });
    }
    case 'fair': {
      const lock = new FairLock(repository, group.key, options);
      return () => ({ source: lock, kind: 'exclusive' });
    }
    case 'read-write': {
      const rw = new ReadWriteLock(repository, group.key, options);
      return () =>
        Math.random() < 1 / 3
          ? { source: rw.writeLock(), kind: 'exclusive' }
          : { source: rw.readLock(), kind: 'shared' };
    }
    case 'semaphore': {
      const semaphore = new DistributedSemaphore(repository, group.key, { ...options, limit: 1 });
      return () => ({ source: semaphore, kind: 'permit' });
    }
  }
}

/**
 * The group's current holders, as its workers (all in this process) see them: a grant beside a
 * holder whose lease is still valid and that it excludes counts as an overlap. Permits here have
 * a limit of 1, so a permit excludes every other.
 */
class Holders {
  overlaps = 0;
  readonly #held = new Map<Lock | SemaphorePermit, HoldKind>();

  enter(kind: HoldKind, lease: Lock | SemaphorePermit): void {
    for (const [other, otherKind] of this.#held) {
      const excludes = kind !== 'shared' || otherKind !== 'shared';
      if (excludes && other.isHeld && lease.isHeld) this.overlaps++;
    }
    this.#held.set(lease, kind);
  }

  leave(lease: Lock | SemaphorePermit): void {
    this.#held.delete(lease);
  }
}
