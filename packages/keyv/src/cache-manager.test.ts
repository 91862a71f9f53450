import { CacheUnavailableError } from '@forno/core';
import { InMemoryCacheRepository } from '@forno/testing';
import { createCache } from 'cache-manager';
import Keyv from 'keyv';
import { describe, expect, it, vi } from 'vitest';
import { FornoKeyvStore, type KeyvStoreError } from './index.js';

function cacheOverFake() {
  const repository = new InMemoryCacheRepository({ keyPrefix: 'app:' });
  const store = new FornoKeyvStore(repository);
  const cache = createCache({ stores: [new Keyv({ store, namespace: 'menu' })] });
  return { repository, store, cache };
}

describe('cache-manager 7 over FornoKeyvStore', () => {
  it('wrap loads once, then answers from the repository; ttl() reports the expiry', async () => {
    const { repository, cache } = cacheOverFake();
    const load = vi.fn(async () => ({ name: 'Margherita', price: 9 }));
    const before = Date.now();
    expect(await cache.wrap('margherita', load, 60_000)).toEqual({ name: 'Margherita', price: 9 });
    expect(await cache.wrap('margherita', load, 60_000)).toEqual({ name: 'Margherita', price: 9 });
    expect(load).toHaveBeenCalledTimes(1);
    expect(await repository.exists('menu:margherita')).toBe(true);
    const expires = await cache.ttl('margherita');
    expect(expires).toBeGreaterThanOrEqual(before + 60_000);
    expect(await repository.ttl('menu:margherita')).toBeGreaterThan(0);
  });

  it('set, get, mset, mget, del, mdel and clear go through the store', async () => {
    const { repository, cache } = cacheOverFake();
    await repository.set('sessions:c1', 'not the cache');
    await cache.set('a', 1, 60_000);
    await cache.mset([
      { key: 'b', value: 2 },
      { key: 'c', value: 3, ttl: 60_000 },
    ]);
    expect(await cache.get('a')).toBe(1);
    expect(await cache.mget(['a', 'b', 'c', 'd'])).toEqual([1, 2, 3, undefined]);
    await cache.del('a');
    await cache.mdel(['b']);
    expect(await cache.mget(['a', 'b', 'c'])).toEqual([undefined, undefined, 3]);
    await cache.clear();
    expect(await cache.get('c')).toBeUndefined();
    expect(await repository.get('sessions:c1')).toBe('not the cache');
  });

  it('during an outage wrap still answers from the loader, and the error event carries the typed cause', async () => {
    const { repository, store, cache } = cacheOverFake();
    const errors: KeyvStoreError[] = [];
    store.on('error', (error) => errors.push(error as KeyvStoreError));
    await repository.disconnect();
    expect(await cache.wrap('margherita', async () => 'fresh', 60_000)).toBe('fresh');
    expect(errors.map((error) => error.operation)).toEqual(['get', 'set']);
    expect(errors.every((error) => CacheUnavailableError.is(error.cause))).toBe(true);
  });
});
