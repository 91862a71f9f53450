import { afterEach, describe, expect, it, vi } from 'vitest';
import { InMemoryCacheRepository } from './in-memory-cache-repository.js';
import { InMemoryStore } from './in-memory-store.js';
import { ManualClock } from './manual-clock.js';
import { estimateEntryBytes } from './memory-estimate.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('active expiry of the in-memory store', () => {
  it('collects expired keys that nothing touches, incrementally, by the store clock', async () => {
    const clock = new ManualClock();
    const store = new InMemoryStore({ clock, activeExpiry: false });
    const repo = new InMemoryCacheRepository({ store });
    await repo.mset(
      Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i] as const),
      { ttl: 10 },
    );
    await repo.set('kept', 1);
    expect(store.keyCount).toBe(50_001);
    expect(store.activeExpireCycle()).toBe(0); // nothing has expired yet
    clock.advance(20);
    const first = store.activeExpireCycle();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(20_000); // a bounded step, not a walk of everything
    let rounds = 1;
    while (store.activeExpireCycle() > 0) rounds++;
    expect(rounds).toBeGreaterThan(1);
    expect(store.keyCount).toBe(1);
    expect(await repo.get('kept')).toBe(1);
  });

  it('runs on timers that do not keep the process alive (vitest fake timers drive them)', async () => {
    vi.useFakeTimers();
    const repo = new InMemoryCacheRepository();
    await repo.mset(
      Array.from({ length: 1_000 }, (_, i) => [`session:${i}`, i] as const),
      { ttl: '10ms' },
    );
    await repo.set('menu', 'kept', { ttl: '1h' });
    vi.advanceTimersByTime(1_000);
    expect(repo.store.keyCount).toBe(1);
    // A whole pass found nothing more to expire: no timer is left, so runAllTimers returns at once
    // (and does not jump ahead an hour to expire the menu).
    const now = Date.now();
    vi.runAllTimers();
    expect(Date.now()).toBe(now);
    expect(await repo.get('menu')).toBe('kept');
    // The next TTL set starts the cycles again.
    await repo.set('late', 1, { ttl: '5ms' });
    vi.advanceTimersByTime(200);
    expect(repo.store.keyCount).toBe(1);
  });

  it('its timer is unref`d', async () => {
    const store = new InMemoryStore();
    const repo = new InMemoryCacheRepository({ store });
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await repo.set('k', 1, { ttl: '1h' });
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    store.flush();
  });
});

describe('memory estimate kept as a running counter', () => {
  /** The estimate computed the slow way, by walking every live key. */
  function walked(store: InMemoryStore): number {
    let bytes = 0;
    for (const key of store.keys()) bytes += estimateEntryBytes(key, store.lookup(key)!);
    return bytes;
  }

  it('agrees with a full walk after every kind of write', async () => {
    const clock = new ManualClock();
    const store = new InMemoryStore({ clock, activeExpiry: false });
    const repo = new InMemoryCacheRepository({ store, allowFlush: true });
    const steps: Array<() => Promise<unknown>> = [
      () => repo.set('s', 'x'.repeat(100)),
      () => repo.set('s', 'y'),
      () => repo.incrby('n', 5),
      () => repo.incrby('n', 5_000_000),
      () => repo.hset('h', { a: 1, b: 'two' }),
      () => repo.hincrby('h', 'a', 10),
      () => repo.hdel('h', 'b'),
      () => repo.lpush('l', 1, 2, 3),
      () => repo.rpop('l'),
      () => repo.ltrim('l', 0, 0),
      () => repo.sadd('set', 'a', 'b'),
      () => repo.srem('set', 'a'),
      () => repo.sunionstore('set2', ['set', 'set']),
      () =>
        repo.zadd('z', [
          { member: 'a', score: 1 },
          { member: 'b', score: 2 },
        ]),
      () => repo.zincrby('z', 2, 'c'),
      () => repo.zpopmin('z'),
      () => repo.zremrangebyrank('z', 0, 0),
      () => repo.acquireSemaphore('sem', 't1', 2, '1s'),
      () => repo.extendSemaphore('sem', 't1', '2s'),
      () => repo.setIfAbsent('lock', 'token', '1s', { fencing: true }),
      () => repo.delete('s'),
      () => repo.expire('h', 100),
      async () => clock.advance(100),
      () => repo.get('h'),
      () => repo.deletePattern('z*'),
    ];
    for (const [i, step] of steps.entries()) {
      await step();
      // (Walking first removes expired keys on the way, as a read would; the counter must follow.)
      const expected = walked(store);
      expect(store.estimateMemoryUsage(), `after step ${i}`).toBe(expected);
    }
    await repo.flushdb();
    expect(store.estimateMemoryUsage()).toBe(0);
  });

  it('the stats call does not go through every key', async () => {
    const store = new InMemoryStore({ activeExpiry: false });
    const repo = new InMemoryCacheRepository({ store, enableMetrics: true });
    await repo.mset(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i] as const));
    await repo.getPerformanceSummary();
    await repo.set('k1', 'changed');
    const keys = vi.spyOn(store, 'keys');
    const lookup = vi.spyOn(store, 'lookup');
    const summary = await repo.getPerformanceSummary();
    expect(keys).not.toHaveBeenCalled();
    expect(lookup).not.toHaveBeenCalled();
    keys.mockRestore();
    lookup.mockRestore();
    expect(summary.memoryUsage).toBe(walked(store));
  });
});
