import { Lease, type LeaseInit } from './lease.js';

/**
 * A held distributed lock, returned by `DistributedLock.acquire()`. Release it with `release()` or
 * let `await using` do it; watch `signal` (or call `throwIfLost()`) while working; pass
 * `fencingToken` with every write to the resource it guards.
 */
export class Lock extends Lease {
  /**
   * Strictly increasing per key: issued by the same atomic step that granted the lock, from a
   * counter kept beside the key (same Cluster slot) that never expires. A resource that remembers
   * the highest token it has seen and refuses lower ones is safe even when a paused holder wakes
   * up after its lease ended. In Redlock mode this is the largest per-instance token, which is
   * NOT a global order: use {@link fencingTokens} (see the README, "Redlock and fencing").
   */
  readonly fencingToken: number;
  /**
   * The fencing token of each repository, in the order they were given (`null` where this lock
   * was not granted). With one repository it is `[fencingToken]`.
   */
  readonly fencingTokens: readonly (number | null)[];

  /** @internal Created by `DistributedLock`. */
  constructor(init: LeaseInit, fencingToken: number, fencingTokens: readonly (number | null)[]) {
    super(init);
    this.fencingToken = fencingToken;
    this.fencingTokens = fencingTokens;
  }
}
