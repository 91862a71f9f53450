/** A read (or a factory run) in progress, as {@link Epochs} tracks it. */
export interface Reading {
  readonly key: string;
  readonly epoch: number;
  readonly record: KeyRecord;
}

interface KeyRecord {
  readers: number;
  invalidatedAt: number;
}

/**
 * Per-key epochs: a read that started before an invalidation of its key (a `set`, `delete`,
 * `expire` here, or a bus message from another process) must not fill L1 — or L2, for a factory —
 * with what it read, which is older than the invalidation. Records exist only for keys with a read
 * in progress, so memory is bounded by the reads in flight.
 */
export class Epochs {
  readonly #records = new Map<string, KeyRecord>();
  #epoch = 0;
  #everythingAt = 0;

  /** Starts tracking a read of `key`. */
  begin(key: string): Reading {
    let record = this.#records.get(key);
    if (record === undefined) {
      record = { readers: 0, invalidatedAt: 0 };
      this.#records.set(key, record);
    }
    record.readers++;
    return { key, epoch: this.#epoch, record };
  }

  /** Whether nothing invalidated the key since `reading` began. */
  current(reading: Reading): boolean {
    return reading.record.invalidatedAt <= reading.epoch && this.#everythingAt <= reading.epoch;
  }

  /** Stops tracking `reading`; returns {@link current}. Call exactly once per `begin`. */
  end(reading: Reading): boolean {
    const current = this.current(reading);
    if (--reading.record.readers === 0 && this.#records.get(reading.key) === reading.record) {
      this.#records.delete(reading.key);
    }
    return current;
  }

  /** `key` changed: reads of it in progress are outdated. */
  invalidate(key: string): void {
    const record = this.#records.get(key);
    if (record !== undefined) record.invalidatedAt = ++this.#epoch;
  }

  /** Anything may have changed: every read in progress is outdated. */
  invalidateAll(): void {
    this.#everythingAt = ++this.#epoch;
  }
}
