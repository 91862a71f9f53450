import type { Duration } from '../duration.js';
import type { EntriesInput } from './key-value-commands.js';
import type { HashScanOptions } from './options.js';

/** Hash commands. Field names are plain strings; field values go through the serializer. */
export interface HashCommands {
  /** Sets fields from an object, Map or pairs; returns how many fields were new. */
  hset(key: string, fields: EntriesInput): Promise<number>;
  /** Sets one field; returns 1 if it was new, else 0. */
  hset(key: string, field: string, value: unknown): Promise<number>;
  /** One field's value, or `null`. */
  hget<T = unknown>(key: string, field: string): Promise<T | null>;
  /** Every field and value; an empty object when the key does not exist (as Redis does). */
  hgetall<T = unknown>(key: string): Promise<Record<string, T>>;
  /** Deletes fields; returns how many existed. */
  hdel(key: string, ...fields: string[]): Promise<number>;
  /** Adds `increment` to an integer field and returns the result. */
  hincrby(key: string, field: string, increment: number): Promise<number>;
  /** Whether the field exists. */
  hexists(key: string, field: string): Promise<boolean>;
  /** Field names. */
  hkeys(key: string): Promise<string[]>;
  /** Number of fields. */
  hlen(key: string): Promise<number>;
  /** Adds a float `increment` to a field (created as 0) and returns the result. */
  hincrbyfloat(key: string, field: string, increment: number): Promise<number>;
  /**
   * Iterates a hash's `[field, value]` pairs with `HSCAN`, a page at a time (a huge hash is never
   * read in one reply). Like SCAN, a field may be yielded twice; fields added meanwhile may be missed.
   */
  hscan<T = unknown>(key: string, options?: HashScanOptions): AsyncIterable<[field: string, value: T]>;

  /**
   * Gives each of `fields` a TTL (`HPEXPIRE`, Redis 7.4+): the field is removed when it runs out, and
   * the hash with its last field. Returns, per field, whether it got the TTL (`false`: no such field).
   * Writing the field again with `hset` clears its TTL; `hincrby` keeps it. On older servers it
   * rejects with `UnsupportedCommandError`.
   */
  hexpire(key: string, fields: readonly string[], ttl: Duration): Promise<boolean[]>;
  /**
   * Remaining TTL of each of `fields` in ms (`HPTTL`, Redis 7.4+), as `ttl` answers for keys:
   * -1 for a field without TTL, -2 for a missing field (or hash).
   */
  httl(key: string, fields: readonly string[]): Promise<number[]>;
  /**
   * When each of `fields` expires, as a Unix time in ms (`HPEXPIRETIME`, Redis 7.4+): -1 for a field
   * without TTL, -2 for a missing field (or hash).
   */
  hexpiretime(key: string, fields: readonly string[]): Promise<number[]>;
  /**
   * Removes the TTL of each of `fields` (`HPERSIST`, Redis 7.4+). Returns, per field, whether it had
   * one (`false` also for a missing field).
   */
  hpersist(key: string, fields: readonly string[]): Promise<boolean[]>;
}
