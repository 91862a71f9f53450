import { describe, expect, it } from 'vitest';
import { InMemoryCacheRepository } from './in-memory-cache-repository.js';
import { InMemoryStore } from './in-memory-store.js';
import { ManualClock } from './manual-clock.js';

/** The fake's hash-field TTLs beyond the contract: expiry nobody reads, WATCH, memory. */
describe('hash-field expiry in the in-memory store', () => {
  it('the active expiry removes expired fields nobody reads, and a hash left empty', async () => {
    const clock = new ManualClock();
    const store = new InMemoryStore({ clock, activeExpiry: false });
    const repo = new InMemoryCacheRepository({ store });
    await repo.hset('session', { token: 't', user: 'c1' });
    await repo.hset('flash', { message: 'saved' });
    await repo.hexpire('session', ['token'], 10);
    await repo.hexpire('flash', ['message'], 10);
    const before = store.estimateMemoryUsage();
    expect(store.activeExpireCycle()).toBe(0); // nothing has expired yet

    clock.advance(20);
    expect(store.activeExpireCycle()).toBe(2);
    expect(store.keyCount).toBe(1); // `flash` removed without being read
    expect(store.estimateMemoryUsage()).toBeLessThan(before);
    expect(store.activeExpireCycle()).toBe(0); // `session` has no field TTL left
    expect(await repo.hgetall('session')).toEqual({ user: 'c1' });
  });

  it('a later field TTL keeps the hash watched by the active expiry until it runs out', async () => {
    const clock = new ManualClock();
    const store = new InMemoryStore({ clock, activeExpiry: false });
    const repo = new InMemoryCacheRepository({ store });
    await repo.hset('cart', { a: 1, b: 2 });
    await repo.hexpire('cart', ['a'], 10);
    await repo.hexpire('cart', ['b'], 100);
    clock.advance(20);
    expect(store.activeExpireCycle()).toBe(1);
    expect(store.keyCount).toBe(1);
    clock.advance(100);
    expect(store.activeExpireCycle()).toBe(1);
    expect(store.keyCount).toBe(0);
  });

  it('an expiring field is a write to the key for WATCH, as a key expiry is', async () => {
    const clock = new ManualClock();
    const store = new InMemoryStore({ clock, activeExpiry: false });
    const repo = new InMemoryCacheRepository({ store });
    await repo.hset('stock', { dough: 3, basil: 1 });
    await repo.hexpire('stock', ['basil'], 10);
    const watch = store.watch(['stock']);
    clock.advance(20);
    store.activeExpireCycle();
    expect(watch.changed).toBe(true);
    watch.release();
  });
});
