/**
 * The resource the lock protects: a counter that checks fencing tokens, as a database would.
 * It remembers the highest token it has seen (on reads and writes) and refuses any operation
 * with a lower one, so a holder that was paused past its lease cannot overwrite newer data.
 * It also audits what it accepts, to count what fencing must make impossible.
 */
export class FencedCounter {
  /** The counter. */
  value = 0;
  /** Highest fencing token seen on an accepted operation. */
  highest = 0;
  acceptedWrites = 0;
  refusedStaleWrites = 0;
  refusedStaleReads = 0;
  /** Accepted writes that did not build on the current value: must stay 0. */
  lostUpdates = 0;
  /**
   * Acquisitions whose fencing token had already been issued to another acquisition (the counter
   * went backwards, e.g. lost in a restart): must stay 0. Judged by uniqueness rather than by the
   * order messages arrive in, so a worker that is slow to report cannot cause a false alarm.
   */
  fenceOrderViolations = 0;
  acquisitions = 0;
  readonly #issued = new Set<number>();

  /** Audits the fencing token of a new acquisition: every acquisition must get a new, higher token. */
  acquired(fencingToken: number): void {
    this.acquisitions++;
    if (this.#issued.has(fencingToken)) this.fenceOrderViolations++;
    this.#issued.add(fencingToken);
  }

  /** A fenced read: the value, or `undefined` when the token is stale. */
  read(fencingToken: number): number | undefined {
    if (fencingToken < this.highest) {
      this.refusedStaleReads++;
      return undefined;
    }
    this.highest = fencingToken;
    return this.value;
  }

  /** A fenced write of `base + 1`; `false` when the token is stale. */
  write(fencingToken: number, base: number): boolean {
    if (fencingToken < this.highest) {
      this.refusedStaleWrites++;
      return false;
    }
    this.highest = fencingToken;
    if (base !== this.value) this.lostUpdates++;
    this.value = base + 1;
    this.acceptedWrites++;
    return true;
  }
}
