/** A read (or a factory run) in progress, as {@link Epochs} tracks it. */
export interface Reading {
  readonly key: string;
  readonly epoch: number;
  readonly record: KeyRecord;
}

interface KeyRecord {
  readers: number;
  invalidatedAt: number;
  /** The version written by the last invalidation, when it was a write of a known version. */
  version: number | undefined;
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
      record = { readers: 0, invalidatedAt: 0, version: undefined };
      this.#records.set(key, record);
    }
    record.readers++;
    return { key, epoch: this.#epoch, record };
  }

  /**
   * Whether what `reading` read may be cached: nothing invalidated the key since it began — or only
   * a write whose version is `version`, the very version it read.
   */
  current(reading: Reading, version?: number): boolean {
    if (this.#everythingAt > reading.epoch) return false;
    const { record } = reading;
    return record.invalidatedAt <= reading.epoch || (version !== undefined && record.version === version);
  }

  /** Stops tracking `reading`; returns {@link current} (without a version). Call once per `begin`. */
  end(reading: Reading): boolean {
    const current = this.current(reading);
    if (--reading.record.readers === 0 && this.#records.get(reading.key) === reading.record) {
      this.#records.delete(reading.key);
    }
    return current;
  }

  /** `key` changed (to `version`, when a write of a known version): reads of it in progress are outdated. */
  invalidate(key: string, version?: number): void {
    const record = this.#records.get(key);
    if (record === undefined) return;
    record.invalidatedAt = ++this.#epoch;
    record.version = version;
  }

  /** Anything may have changed: every read in progress is outdated. */
  invalidateAll(): void {
    this.#everythingAt = ++this.#epoch;
  }
}
