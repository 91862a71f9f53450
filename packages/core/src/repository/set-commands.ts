import type { MemberScanOptions } from './options.js';

/**
 * Set commands. Members go through the serializer and are compared by their serialized bytes.
 * Results are arrays (in no particular order), since a JS `Set` cannot compare objects by value.
 * On Cluster, `sinter`/`sunion`/`sdiff` work across slots; the `*store` forms need one slot.
 */
export interface SetCommands {
  /** Adds members; returns how many were new. */
  sadd(key: string, ...members: unknown[]): Promise<number>;
  /** Removes members; returns how many existed. */
  srem(key: string, ...members: unknown[]): Promise<number>;
  /** Every member. */
  smembers<T = unknown>(key: string): Promise<T[]>;
  /** Whether `member` is in the set. */
  sismember(key: string, member: unknown): Promise<boolean>;
  /** Number of members. */
  scard(key: string): Promise<number>;
  /** Members present in every set. */
  sinter<T = unknown>(keys: readonly string[]): Promise<T[]>;
  /** Members present in any set. */
  sunion<T = unknown>(keys: readonly string[]): Promise<T[]>;
  /** Members of the first set absent from all the others. */
  sdiff<T = unknown>(keys: readonly string[]): Promise<T[]>;
  /** Stores the intersection at `destination`; returns its size. Keys must share a Cluster slot. */
  sinterstore(destination: string, keys: readonly string[]): Promise<number>;
  /** Stores the union at `destination`; returns its size. Keys must share a Cluster slot. */
  sunionstore(destination: string, keys: readonly string[]): Promise<number>;
  /** Iterates a set's members with `SSCAN`, a page at a time; a member may be yielded twice. */
  sscan<T = unknown>(key: string, options?: MemberScanOptions): AsyncIterable<T>;
}
