import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InMemoryCacheRepository } from './in-memory-cache-repository.js';
import { ManualClock } from './manual-clock.js';

describe('TTL on the in-memory fake with vitest fake timers (default system clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a key lives exactly as long as its ttl', async () => {
    const repo = new InMemoryCacheRepository();
    await repo.set('menu:item:margherita', { price: 12.99 }, { ttl: '24h' });
    vi.advanceTimersByTime(24 * 3_600_000 - 1);
    expect(await repo.ttl('menu:item:margherita')).toBe(1);
    expect(await repo.get('menu:item:margherita')).toEqual({ price: 12.99 });
    vi.advanceTimersByTime(1);
    expect(await repo.get('menu:item:margherita')).toBeNull();
    expect(await repo.ttl('menu:item:margherita')).toBe(-2);
  });

  it('expire on a session hash counts down and removes every field', async () => {
    const repo = new InMemoryCacheRepository({ keyPrefix: 'mario_pizzeria:' });
    await repo.hset('sessions:c1', { customer_id: 'c1', cart_items: [] });
    await repo.expire('sessions:c1', '4h');
    vi.advanceTimersByTime(3 * 3_600_000);
    expect(await repo.ttl('sessions:c1')).toBe(3_600_000);
    await repo.hset('sessions:c1', 'last_activity', 'now');
    expect(await repo.ttl('sessions:c1')).toBe(3_600_000);
    vi.advanceTimersByTime(3_600_000);
    expect(await repo.hgetall('sessions:c1')).toEqual({});
    expect(await repo.hlen('sessions:c1')).toBe(0);
  });

  it('expired keys disappear from scans and deletePattern counts', async () => {
    const repo = new InMemoryCacheRepository();
    await repo.set('a', 1, { ttl: 1_000 });
    await repo.set('b', 2, { ttl: 3_000 });
    await repo.set('c', 3);
    vi.advanceTimersByTime(2_000);
    const keys: string[] = [];
    for await (const key of repo.scan()) keys.push(key);
    expect(keys.sort()).toEqual(['b', 'c']);
    vi.advanceTimersByTime(1_000);
    expect(await repo.deletePattern('*')).toBe(1);
    expect(repo.store.size).toBe(0);
  });

  it('an expired lock can be taken again and its fencing token keeps increasing', async () => {
    const repo = new InMemoryCacheRepository();
    const first = await repo.setIfAbsent('lock', 'a', '30s', { fencing: true });
    expect(first.acquired).toBe(true);
    vi.advanceTimersByTime(29_999);
    expect(await repo.setIfAbsent('lock', 'b', '30s', { fencing: true })).toEqual({
      acquired: false,
      remainingTtl: 1,
    });
    vi.advanceTimersByTime(1);
    const second = await repo.setIfAbsent('lock', 'b', '30s', { fencing: true });
    expect(second.acquired && first.acquired && second.fencingToken! > first.fencingToken!).toBe(true);
    expect(await repo.compareAndDelete('lock', 'a')).toBe(false);
  });
});

describe('TTL with an injected ManualClock', () => {
  it('time only moves when the clock advances, even across real waits', async () => {
    const clock = new ManualClock();
    const repo = new InMemoryCacheRepository({ clock });
    await repo.set('k', 'v', { ttl: '500ms' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await repo.ttl('k')).toBe(500);
    clock.advance(499);
    expect(await repo.exists('k')).toBe(true);
    clock.advance(1);
    expect(await repo.exists('k')).toBe(false);
  });

  it('keepTtl and persist interact with the clock as in Redis', async () => {
    const clock = new ManualClock();
    const repo = new InMemoryCacheRepository({ clock });
    await repo.set('k', 1, { ttl: '10s' });
    clock.advance(4_000);
    await repo.set('k', 2, { keepTtl: true });
    expect(await repo.ttl('k')).toBe(6_000);
    await repo.persist('k');
    clock.advance(60_000);
    expect(await repo.get('k')).toBe(2);
  });

  it('rejects a clock together with a shared store', () => {
    const clock = new ManualClock();
    const repo = new InMemoryCacheRepository({ clock });
    expect(() => new InMemoryCacheRepository({ store: repo.store, clock })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_CONFIG', argument: 'options.clock' }),
    );
    expect(() => new InMemoryCacheRepository({ keyprefix: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_CONFIG', argument: 'options.keyprefix' }),
    );
  });
});
