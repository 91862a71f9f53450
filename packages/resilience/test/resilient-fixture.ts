/**
 * Test-only fixture (not exported from the package): a `ResilientCacheRepository` over a seeded
 * `ChaosCacheRepository` over the in-memory fake, with a manual clock and every event recorded.
 */
import type { CacheEvent } from '@forno/core';
import {
  ChaosCacheRepository,
  type ChaosOptions,
  InMemoryCacheRepository,
  ManualClock,
} from '@forno/testing';
import {
  ResilientCacheRepository,
  type ResilientCacheRepositoryOptions,
} from '../src/resilient-cache-repository.js';

/** Everything a resilience unit test pokes at. */
export interface ResilientFixture {
  /** Drives TTLs of the fake and of the mirror. */
  readonly clock: ManualClock;
  /** The truth: the fake behind the chaos wrapper, reachable without faults. */
  readonly backend: InMemoryCacheRepository;
  /** The flaky backend: set `failureRate` to 1 for an outage. */
  readonly chaos: ChaosCacheRepository;
  /** The repository under test. */
  readonly repo: ResilientCacheRepository;
  /** Every event `repo.onEvent` delivered, in order. */
  readonly events: CacheEvent[];
  /** Only the `fallback` events. */
  fallbacks(): Extract<CacheEvent, { type: 'fallback' }>[];
}

/** Builds the stack; `options.fallback` gets the manual clock unless it is `false`. */
export function resilientFixture(
  options: ResilientCacheRepositoryOptions = {},
  chaos: Partial<ChaosOptions> = {},
): ResilientFixture {
  const clock = new ManualClock();
  const backend = new InMemoryCacheRepository({ clock, allowFlush: true });
  const flaky = new ChaosCacheRepository(backend, { seed: 1, ...chaos });
  const fallback = options.fallback === false ? false : { clock, ...options.fallback };
  const repo = new ResilientCacheRepository(flaky, { ...options, fallback });
  const events: CacheEvent[] = [];
  repo.onEvent((event) => events.push(event));
  return {
    clock,
    backend,
    chaos: flaky,
    repo,
    events,
    fallbacks: () =>
      events.filter((e): e is Extract<CacheEvent, { type: 'fallback' }> => e.type === 'fallback'),
  };
}
