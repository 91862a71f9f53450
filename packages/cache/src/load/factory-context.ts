import type { Duration } from '@forno/core';

/** What a factory receives. */
export interface FactoryContext<T> {
  /** Aborted when the factory is abandoned at `hardTimeout` (reason: `FactoryTimeoutError`). */
  readonly signal: AbortSignal;
  /** The stale value this call would fall back to, if any (e.g. to revalidate it cheaply). */
  readonly stale: T | undefined;
  /** Overrides the TTL of what the factory returns. */
  setTtl(ttl: Duration): void;
  /** Overrides the tags of what the factory returns. */
  setTags(tags: readonly string[]): void;
  /** `return skip(value)`: the callers get `value`, and nothing is cached. */
  skip(value: T): T;
}

/** Computes a value on a miss (a database query, an HTTP call...). */
export type Factory<T> = (context: FactoryContext<T>) => T | Promise<T>;

/** What a batch factory receives: the keys that missed, in the order asked. */
export interface BatchFactoryContext {
  /** Aborted when the factory is abandoned at `hardTimeout`. */
  readonly signal: AbortSignal;
}

/**
 * Computes the values of the keys that missed: an array aligned with `missing`, or a `Map` by key.
 * Every key needs a value (`null` caches an absence; `undefined` is an error).
 */
export type BatchFactory<T> = (
  missing: readonly string[],
  context: BatchFactoryContext,
) => readonly T[] | ReadonlyMap<string, T> | Promise<readonly T[] | ReadonlyMap<string, T>>;
