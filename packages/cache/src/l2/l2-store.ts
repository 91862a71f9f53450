import { type CacheRepository, CacheTimeoutError, CacheUnavailableError, escapeGlob } from '@forno/core';
import { isStoredEntry, type StoredEntry } from '../entry.js';

/** Whether `error` means the repository is unreachable or slow (the fail-safe's cue), not a bug. */
export function isOutage(error: unknown): boolean {
  return CacheUnavailableError.is(error) || CacheTimeoutError.is(error);
}

/**
 * L2: entries in the repository, through its data commands only (`get`, `mget`, `ttl`, `set`,
 * `delete`, `expire`, `deletePattern`). Each entry is one key holding a {@link StoredEntry}, whose
 * Redis TTL is the rest of its TTL plus its grace. `expire(key)` shortens that TTL to the grace
 * (one atomic `PEXPIRE`, racing no concurrent write); a reader that sees a TTL down to the grace
 * treats the entry as expired. Reading that TTL costs a `PTTL` beside the `GET` — pipelined, and
 * only for entries with grace.
 */
export class L2Store {
  readonly #repository: CacheRepository;
  readonly #now: () => number;

  constructor(repository: CacheRepository, now: () => number) {
    this.#repository = repository;
    this.#now = now;
  }

  /** The entry at `key`, or `null` (missing, or not an entry). `withTtl`: read its TTL in the same round trip. */
  async read(key: string, withTtl: boolean): Promise<StoredEntry | null> {
    const repository = this.#repository;
    const [value, pttl] = withTtl
      ? await Promise.all([repository.get(key), repository.ttl(key)])
      : [await repository.get(key), undefined];
    if (!isStoredEntry(value)) return null;
    if (value.g <= 0) return value;
    return this.#withTtl(value, pttl ?? (await repository.ttl(key)));
  }

  /** The entries at `keys`, in order (one `MGET`, and `PTTL`s for those with grace). */
  async readMany(keys: readonly string[]): Promise<(StoredEntry | null)[]> {
    const values = await this.#repository.mget(keys);
    return Promise.all(
      values.map(async (value, i) => {
        if (!isStoredEntry(value)) return null;
        return value.g <= 0 ? value : this.#withTtl(value, await this.#repository.ttl(keys[i]!));
      }),
    );
  }

  /** Writes an entry with its Redis TTL. */
  async write(key: string, stored: StoredEntry, ttlMs: number): Promise<void> {
    await this.#repository.set(key, stored, { ttl: ttlMs });
  }

  /** Deletes entries; how many existed. */
  async delete(keys: readonly string[]): Promise<number> {
    return keys.length === 0 ? 0 : this.#repository.delete(keys);
  }

  /** Ends the freshness of `key` now, keeping it for `graceMs` (deleting it without grace). */
  async expire(key: string, graceMs: number): Promise<void> {
    if (graceMs > 0) await this.#repository.expire(key, graceMs);
    else await this.#repository.delete(key);
  }

  /** Deletes every entry of a namespace and its children (SCAN + UNLINK, on every Cluster primary); how many. */
  clear(namespace: string): Promise<number> {
    return this.#repository.deletePattern(`${escapeGlob(namespace)}:*`);
  }

  /** The entry as of its Redis TTL: expired once the TTL is down to its grace (see `expire`). */
  #withTtl(stored: StoredEntry, pttl: number): StoredEntry | null {
    if (pttl === -2) return null;
    if (pttl < 0) return stored;
    const expiresBy = this.#now() + pttl - stored.g;
    return expiresBy < stored.e ? { ...stored, e: expiresBy } : stored;
  }
}
