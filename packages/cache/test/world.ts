import type { CacheRepository, LockBackend, Serializer } from '@forno/core';
import { InMemoryCacheRepository, InMemoryStore, ManualClock } from '@forno/testing';
import { afterEach } from 'vitest';
import { HybridCache } from '../src/hybrid-cache.js';
import type { HybridCacheOptions } from '../src/options.js';

/** `deferred` of `@forno/testing`, re-exported for the tests that import it from here. */
export { deferred } from '@forno/testing';

/** What a HybridCache takes as its L2: the data commands and the lock backend. */
type L2Repository = CacheRepository & LockBackend;

/**
 * What the shared suites run on: "processes" (each a repository of its own, on one shared fake store
 * or one real server) and a `ManualClock` that drives every cache's TTLs and grace (and the fake's).
 */
export interface World {
  readonly clock: ManualClock;
  /** A repository of a new "process" on the shared store or server (same key prefix). */
  repository(options?: { serializer?: Serializer }): Promise<L2Repository>;
  /**
   * A cache on a new "process" (a new repository unless one is given, or `repository: undefined`
   * for none); closed after the test.
   */
  cache(
    options?: Omit<HybridCacheOptions, 'clock' | 'repository'> & {
      serializer?: Serializer;
      repository?: L2Repository | undefined;
    },
  ): Promise<HybridCache>;
  /** Closes every cache and repository. */
  close(): Promise<void>;
}

/** Builds worlds; `repository` opens a repository on the world's server with the given prefix. */
export type RepositoryFactory = (
  keyPrefix: string,
  serializer: Serializer | undefined,
) => Promise<L2Repository>;

let worlds = 0;

/** A world over `open` (each world gets its own key prefix). */
export function worldOf(open: RepositoryFactory, clock = new ManualClock(Date.now())): World {
  const keyPrefix = `hc${worlds++}-${process.pid}:`;
  const caches: HybridCache[] = [];
  const repositories: L2Repository[] = [];
  const repository = async (options: { serializer?: Serializer } = {}) => {
    const repo = await open(keyPrefix, options.serializer);
    repositories.push(repo);
    return repo;
  };
  return {
    clock,
    repository,
    async cache(options = {}) {
      const { serializer, repository: given, ...rest } = options;
      const repo =
        'repository' in options ? given : await repository({ ...(serializer ? { serializer } : {}) });
      const cache = new HybridCache({
        namespace: 'menu',
        ...rest,
        ...(repo === undefined ? {} : { repository: repo }),
        clock,
      });
      caches.push(cache);
      await cache.ready();
      return cache;
    },
    async close() {
      await Promise.all(caches.map((cache) => cache.close()));
      await Promise.all(repositories.map((repo) => repo.disconnect().catch(() => {})));
    },
  };
}

/** Registers closing each test's world; returns the function a test calls to get a fresh one. */
export function worldPerTest(newWorld: () => World): () => World {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });
  return () => {
    world = newWorld();
    return world;
  };
}

/** A world on the in-memory fake: one store (the "server") on the world's clock. */
export function fakeWorld(): World {
  const clock = new ManualClock(Date.now());
  const store = new InMemoryStore({ clock, activeExpiry: false });
  return worldOf(
    async (keyPrefix, serializer) =>
      new InMemoryCacheRepository({ store, keyPrefix, ...(serializer ? { serializer } : {}) }),
    clock,
  );
}

/** Waits until `predicate` holds, checking every few ms, for at most `timeoutMs` (generous: shared CI). */
export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
