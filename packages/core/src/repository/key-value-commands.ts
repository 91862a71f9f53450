import type { Duration } from '../duration.js';
import type { GetExOptions, MsetOptions, ScanOptions, SetOptions } from './options.js';

/** Entries accepted by `mset` and `hset`: a plain object, a Map, or `[key, value]` pairs. */
export type EntriesInput = Readonly<Record<string, unknown>> | Iterable<readonly [string, unknown]>;

/** Strings and key-space commands. Every key is relative to the repository's `keyPrefix`. */
export interface KeyValueCommands {
  /** The value at `key`, deserialized, or `null` when the key does not exist. */
  get<T = unknown>(key: string): Promise<T | null>;
  /**
   * Stores `value` (serialized) at `key`. Returns `true` when written, `false` when an `nx`/`xx`
   * condition prevented it.
   */
  set(key: string, value: unknown, options?: SetOptions): Promise<boolean>;
  /** Values of several keys in order, `null` for missing ones. Works across Cluster slots. */
  mget<T = unknown>(keys: readonly string[]): Promise<(T | null)[]>;
  /** Writes several keys at once, optionally all with the same TTL. */
  mset(entries: EntriesInput, options?: MsetOptions): Promise<void>;
  /** Deletes keys (with `UNLINK`, so large values are freed in the background); returns how many existed. */
  delete(...keys: string[]): Promise<number>;
  /** Deletes a list of keys, however long (a spread of 100k keys would overflow the call stack). */
  delete(keys: readonly string[]): Promise<number>;
  /**
   * Deletes every key matching a Redis glob pattern (relative to the prefix) with SCAN + UNLINK in
   * batches, on every Cluster primary; returns how many were deleted. Never uses `KEYS`.
   */
  deletePattern(pattern: string, options?: ScanOptions): Promise<number>;
  /**
   * Iterates keys matching a glob pattern (default `*`), prefix removed. Like SCAN, a key that is
   * rehashed during the iteration may be yielded twice; keys added meanwhile may be missed.
   */
  scan(pattern?: string, options?: ScanOptions): AsyncIterable<string>;
  /** Whether `key` exists. */
  exists(key: string): Promise<boolean>;
  /** Sets a TTL on an existing key; `false` when the key does not exist. */
  expire(key: string, ttl: Duration): Promise<boolean>;
  /** Remaining TTL in milliseconds; `-1` when the key has no TTL, `-2` when it does not exist (as `PTTL`). */
  ttl(key: string): Promise<number>;
  /** Removes a key's TTL; `true` when there was one. */
  persist(key: string): Promise<boolean>;
  /** Adds `increment` (default 1) to the integer at `key` (created as 0) and returns the result. */
  incrby(key: string, increment?: number): Promise<number>;
  /** The value at `key`, deleted in the same step (`GETDEL`); `null` when missing. */
  getdel<T = unknown>(key: string): Promise<T | null>;
  /** The value at `key`, giving it a new TTL or removing its TTL in the same step (`GETEX`). */
  getex<T = unknown>(key: string, options: GetExOptions): Promise<T | null>;
  /** Adds a float `increment` to the number at `key` (created as 0) and returns the result. */
  incrbyfloat(key: string, increment: number): Promise<number>;
}
