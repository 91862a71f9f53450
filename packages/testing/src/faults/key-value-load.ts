import { type CacheRepository, isCacheError } from '@forno/core';
import { answered, type PlannedOperation } from './operation-load.js';

/** Options of {@link KeyValueLoad}. */
export interface KeyValueLoadOptions {
  /** Number of distinct keys (`kv:0` … `kv:<keys - 1>`). Default 10 000. */
  readonly keys?: number;
  /** Share of writes. Default 0.5. */
  readonly writeRatio?: number;
}

/** What {@link KeyValueLoad.writeEveryKey} saw. */
export interface WriteCheck {
  readonly keys: number;
  readonly written: number;
  /** Failures by error code (`untyped` for non-Forno errors). */
  readonly failures: Readonly<Record<string, number>>;
}

const BATCH = 500;

/**
 * `get`/`set` on many keys, where each write stores its own sequence number and every write the
 * backend acknowledged is remembered: afterwards, {@link lostWrites} reads every key back and lists
 * those holding less than their last acknowledged write (lost by a failover), and
 * {@link writeEveryKey} checks every key is writable. At most one write per key is in flight (a
 * write drawn for a busy key becomes a read of it), so "last acknowledged" is well defined.
 */
export class KeyValueLoad {
  readonly #repo: CacheRepository;
  readonly #keys: number;
  readonly #writeRatio: number;
  /** Key → highest sequence number acknowledged. */
  readonly #acknowledged = new Map<string, number>();
  readonly #writing = new Set<string>();

  constructor(repo: CacheRepository, options: KeyValueLoadOptions = {}) {
    this.#repo = repo;
    this.#keys = options.keys ?? 10_000;
    this.#writeRatio = options.writeRatio ?? 0.5;
  }

  /** The `i`-th key. */
  keyAt(i: number): string {
    return `kv:${i}`;
  }

  /** Writes acknowledged so far. */
  get acknowledgedKeys(): number {
    return this.#acknowledged.size;
  }

  /** The `next` of an `OperationLoad`. */
  readonly next = (n: number, random: () => number): PlannedOperation => {
    const key = this.keyAt(Math.floor(random() * this.#keys));
    const write = random() < this.#writeRatio;
    if (!write || this.#writing.has(key)) {
      return { kind: 'read', operation: 'get', key, run: () => answered(this.#repo.get(key)) };
    }
    this.#writing.add(key);
    return {
      kind: 'write',
      operation: 'set',
      key,
      run: () => answered(this.#repo.set(key, n)),
      settled: (outcome) => {
        this.#writing.delete(key);
        if (outcome === 'redis' && n > (this.#acknowledged.get(key) ?? -1)) this.#acknowledged.set(key, n);
      },
    };
  };

  /** Keys whose stored value is older than their last acknowledged write. */
  async lostWrites(): Promise<string[]> {
    const keys = [...this.#acknowledged.keys()];
    const lost: string[] = [];
    for (let i = 0; i < keys.length; i += BATCH) {
      const batch = keys.slice(i, i + BATCH);
      const stored = await this.#repo.mget<number>(batch);
      batch.forEach((key, j) => {
        if ((stored[j] ?? -1) < this.#acknowledged.get(key)!) lost.push(key);
      });
    }
    return lost;
  }

  /** Writes every key once (500 at a time), counting failures by code. */
  async writeEveryKey(): Promise<WriteCheck> {
    const failures: Record<string, number> = {};
    let written = 0;
    for (let i = 0; i < this.#keys; i += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, this.#keys - i) }, (_, j) => this.keyAt(i + j));
      await Promise.all(
        batch.map((key) =>
          this.#repo.set(key, -1).then(
            () => {
              written += 1;
            },
            (error: unknown) => {
              const code = isCacheError(error) ? error.code : 'untyped';
              failures[code] = (failures[code] ?? 0) + 1;
            },
          ),
        ),
      );
    }
    return { keys: this.#keys, written, failures };
  }
}
