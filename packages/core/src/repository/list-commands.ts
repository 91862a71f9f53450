import type { ListEnd } from './options.js';

/** List commands. Elements go through the serializer. Indexes may be negative (from the end). */
export interface ListCommands {
  /** Prepends values (the last argument ends up first); returns the new length. */
  lpush(key: string, ...values: unknown[]): Promise<number>;
  /** Appends values; returns the new length. */
  rpush(key: string, ...values: unknown[]): Promise<number>;
  /** Removes and returns the first element, or `null`. */
  lpop<T = unknown>(key: string): Promise<T | null>;
  /** Removes and returns the last element, or `null`. */
  rpop<T = unknown>(key: string): Promise<T | null>;
  /** Elements from `start` to `stop`, both inclusive (`0, -1` for all). */
  lrange<T = unknown>(key: string, start: number, stop: number): Promise<T[]>;
  /** Length of the list (0 when missing). */
  llen(key: string): Promise<number>;
  /** Keeps only the elements from `start` to `stop`. */
  ltrim(key: string, start: number, stop: number): Promise<void>;
  /**
   * Atomically pops an element from the `from` end of `source` and pushes it to the `to` end of
   * `destination` (`LMOVE`); returns it, or `null` when `source` is empty. On Cluster both keys
   * must share a hash slot.
   */
  lmove<T = unknown>(source: string, destination: string, from: ListEnd, to: ListEnd): Promise<T | null>;
}
