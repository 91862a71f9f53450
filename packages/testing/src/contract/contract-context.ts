import type { CacheRepository } from '@forno/core';
import type { ContractSerializer } from './contract-serializers.js';

/** What each group of contract tests receives. */
export interface ContractContext {
  /** The repository of the current test (prefix unique to the test). */
  repo(): CacheRepository;
  /** The serializer configuration this run of the suite uses. */
  readonly serializer: ContractSerializer;
  /**
   * A sample value in the form the serializer under test stores and reads it: the value itself
   * for structured serializers, its JSON text for raw ones (a Buffer when they read Buffers). Tests
   * write `ctx.value(x)` and expect `ctx.value(x)` back.
   */
  value(sample: unknown): unknown;
  /** {@link ContractContext.value} of each element. */
  values(samples: readonly unknown[]): unknown[];
  /** {@link ContractContext.value} of each property: a hash as the serializer stores it. */
  fields(samples: Readonly<Record<string, unknown>>): Record<string, unknown>;
  /** Another repository on the same backend with its own prefix (closed after the test). */
  createSibling(keyPrefix: string): Promise<CacheRepository>;
  /** The unique prefix of the current test. */
  prefix(): string;
  /** Lets `ms` of time pass for TTLs: a manual clock for the fake, a real sleep for servers. */
  advanceTime(ms: number): Promise<void>;
  /** `publish` counts only the receiving node's subscribers (Redis Cluster). */
  readonly publishCountsNodeLocal: boolean;
  /** The backend is a Redis Cluster: a transaction's keys must share a hash slot. */
  readonly cluster: boolean;
  /** Empties the backend's script cache (`SCRIPT FLUSH` on every node), when the suite can. */
  readonly flushScripts?: () => Promise<void>;
}

/** Collects an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/**
 * The distinct keys a scan yielded, sorted. Like Redis SCAN, a scan may yield a key twice while the
 * server rehashes its table, so contract assertions compare distinct keys.
 */
export async function scannedKeys(iterable: AsyncIterable<string>): Promise<string[]> {
  return [...new Set(await collect(iterable))].sort();
}

/** Polls `condition` every few ms until it holds or `timeoutMs` passes (for pub/sub delivery). */
export async function eventually(condition: () => boolean, timeoutMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/** Sorts a copy, for comparing unordered results. */
export function sortedCopy<T>(values: readonly T[]): T[] {
  return [...values].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}
