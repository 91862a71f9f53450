import { MsgpackSerializer } from '@forno/serialization/msgpack';
import { expect, it } from 'vitest';
import type { StaleReason } from '../src/cache-events.js';
import type { HybridCache } from '../src/hybrid-cache.js';
import { lockKey } from '../src/keys.js';
import { deferred, until, type World, worldPerTest } from './world.js';

const MARGHERITA = { id: 'margherita', name: 'Margherita', price: 12.5, toppings: ['tomato', 'mozzarella'] };

function staleReasons(cache: HybridCache): StaleReason[] {
  const reasons: StaleReason[] = [];
  cache.on('stale', (event) => reasons.push(event.reason));
  return reasons;
}

/**
 * `getOrSet` / `getOrSetMany` behaviour, on any world (the fake, a redis-server, a Cluster): single
 * flight, fail-safe grace and backoff, distributed stampede protection, eager refresh, jitter,
 * batches, values and misuse. TTLs and grace follow the world's `ManualClock`.
 */
export function loadSuite(newWorld: () => World): void {
  const setUp = worldPerTest(newWorld);

  it('single-flight: 1,000 concurrent getOrSet of a cold key run the factory once; all get its value', async () => {
    const cache = await setUp().cache();
    const gate = deferred<typeof MARGHERITA>();
    let calls = 0;
    const all = Array.from({ length: 1_000 }, () =>
      cache.getOrSet('margherita', () => {
        calls++;
        return gate.promise;
      }),
    );
    gate.resolve(MARGHERITA);
    const values = await Promise.all(all);
    expect(calls).toBe(1);
    for (const value of values) expect(value).toEqual(MARGHERITA);
    expect(cache.stats()).toMatchObject({ misses: 1_000, factoryCalls: 1 });
    expect(await cache.getOrSet('margherita', () => Promise.reject(new Error('not called')))).toEqual(
      MARGHERITA,
    );
  });

  it('a factory error reaches every waiter', async () => {
    const cache = await setUp().cache();
    const boom = new Error('database down');
    let calls = 0;
    const all = Array.from({ length: 100 }, () =>
      cache.getOrSet('margherita', async () => {
        calls++;
        throw boom;
      }),
    );
    const results = await Promise.allSettled(all);
    expect(calls).toBe(1);
    for (const result of results) expect(result).toEqual({ status: 'rejected', reason: boom });
  });

  it('under grace, every waiter of a failing factory gets the stale value, flagged stale; past grace the error surfaces', async () => {
    const w = setUp();
    const cache = await w.cache({ ttl: '1m', grace: '1h', graceBackoff: 0 });
    const reasons = staleReasons(cache);
    await cache.getOrSet('margherita', () => MARGHERITA);
    w.clock.advance(61_000);
    const boom = new Error('database down');
    const values = await Promise.all(
      Array.from({ length: 50 }, () => cache.getOrSet('margherita', () => Promise.reject(boom))),
    );
    for (const value of values) expect(value).toEqual(MARGHERITA);
    expect(reasons).toHaveLength(50);
    expect(await cache.getOrSetWithSource('margherita', () => Promise.reject(boom))).toEqual({
      value: MARGHERITA,
      source: 'stale',
      staleReason: 'factory-error',
    });
    expect(new Set(reasons)).toEqual(new Set(['factory-error']));
    expect(cache.stats()).toMatchObject({ staleServed: 51, factoryErrors: 2 });
    w.clock.advance(3_600_000);
    await expect(cache.getOrSet('margherita', () => Promise.reject(boom))).rejects.toBe(boom);
  });

  it('a failing factory is not re-run on every call in grace: it backs off for graceBackoff', async () => {
    const w = setUp();
    const cache = await w.cache({ ttl: '1m', grace: '1h', graceBackoff: '10s' });
    await cache.getOrSet('margherita', () => MARGHERITA);
    w.clock.advance(61_000);
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('database down');
    };
    for (let i = 0; i < 20; i++) expect(await cache.getOrSet('margherita', failing)).toEqual(MARGHERITA);
    expect(calls).toBe(1);
    w.clock.advance(10_001);
    expect(await cache.getOrSet('margherita', failing)).toEqual(MARGHERITA);
    expect(calls).toBe(2);
    w.clock.advance(10_001);
    expect(await cache.getOrSet('margherita', () => ({ ...MARGHERITA, price: 13 }))).toMatchObject({
      price: 13,
    });
  });

  it('stampede across processes: 3 processes × 100 callers run the factory once in total', async () => {
    const w = setUp();
    const caches = await Promise.all(
      [1, 2, 3].map(() => w.cache({ stampede: 'distributed', lockTimeout: '30s' })),
    );
    let calls = 0;
    const factory = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return MARGHERITA;
    };
    const values = await Promise.all(
      caches.flatMap((cache) => Array.from({ length: 100 }, () => cache.getOrSet('margherita', factory))),
    );
    expect(calls).toBe(1);
    for (const value of values) expect(value).toEqual(MARGHERITA);
  });

  it('stampede: a waiter whose lock wait times out serves stale if it has one, else runs the factory itself', async () => {
    const w = setUp();
    const [holder, waiter] = await Promise.all([
      w.cache({ stampede: 'distributed', ttl: '1m', grace: '1h' }),
      w.cache({ stampede: 'distributed', ttl: '1m', grace: '1h', lockTimeout: '200ms' }),
    ]);
    const probe = await w.repository();
    const slow = deferred<typeof MARGHERITA>();
    const held = holder.getOrSet('pepperoni', () => slow.promise);
    await until(() => probe.exists('#menu:lock:pepperoni'));
    // No stale value: the waiter runs the factory itself rather than failing.
    expect(await waiter.getOrSet('pepperoni', () => ({ ...MARGHERITA, id: 'own' }))).toMatchObject({
      id: 'own',
    });
    slow.resolve(MARGHERITA);
    await held;

    await holder.set('diavola', MARGHERITA);
    w.clock.advance(61_000);
    const stuck = deferred<typeof MARGHERITA>();
    const refreshing = holder.getOrSet('diavola', () => stuck.promise);
    await until(() => probe.exists('#menu:lock:diavola'));
    const reasons = staleReasons(waiter);
    expect(await waiter.getOrSet('diavola', () => Promise.reject(new Error('not called')))).toEqual(
      MARGHERITA,
    );
    expect(reasons).toEqual(['lock-timeout']);
    stuck.resolve({ ...MARGHERITA, price: 14 });
    expect(await refreshing).toMatchObject({ price: 14 });
  });

  it('eager refresh: a hit after 80 % of the TTL refreshes in the background; callers are not held up', async () => {
    const w = setUp();
    const cache = await w.cache({ ttl: '100s', eagerRefresh: 0.8 });
    await cache.getOrSet('margherita', () => MARGHERITA);
    w.clock.advance(79_000);
    let calls = 0;
    const refreshed = deferred<typeof MARGHERITA>();
    const factory = () => {
      calls++;
      return refreshed.promise;
    };
    expect(await cache.getOrSet('margherita', factory)).toEqual(MARGHERITA);
    expect(calls).toBe(0);
    w.clock.advance(2_000);
    expect(await cache.getOrSet('margherita', factory)).toEqual(MARGHERITA); // answered at once
    await until(() => calls === 1);
    expect(await cache.getOrSet('margherita', factory)).toEqual(MARGHERITA); // one refresh at a time
    refreshed.resolve({ ...MARGHERITA, price: 15 });
    await until(async () => (await cache.get<typeof MARGHERITA>('margherita'))?.price === 15);
    expect(calls).toBe(1);
  });

  it('jitter spreads TTLs by up to ±10 %', async () => {
    const w = setUp();
    const cache = await w.cache({ ttl: '100s', jitter: 0.1 });
    const keys = Array.from({ length: 40 }, (_, i) => `item${i}`);
    for (const key of keys) await cache.set(key, key);
    w.clock.advance(89_999);
    expect((await Promise.all(keys.map((key) => cache.get(key)))).every((v) => v !== null)).toBe(true);
    w.clock.advance(5_000);
    const alive = (await Promise.all(keys.map((key) => cache.get(key)))).filter((v) => v !== null).length;
    expect(alive).toBeGreaterThan(0);
    expect(alive).toBeLessThan(keys.length);
    w.clock.advance(15_002);
    expect((await Promise.all(keys.map((key) => cache.get(key)))).every((v) => v === null)).toBe(true);
  });

  it('getOrSetMany: one factory call with only the keys that missed; concurrent getOrSet of one waits for it', async () => {
    const cache = await setUp().cache();
    await cache.set('a', 'A');
    const asked: string[][] = [];
    const gate = deferred<void>();
    const batch = cache.getOrSetMany(['a', 'b', 'c', 'b'], async (missing) => {
      asked.push([...missing]);
      await gate.promise;
      return missing.map((key) => key.toUpperCase());
    });
    await until(() => asked.length === 1);
    const single = cache.getOrSet('c', () => 'not called');
    gate.resolve();
    expect(await batch).toEqual(['A', 'B', 'C', 'B']);
    expect(await single).toBe('C');
    expect(asked).toEqual([['b', 'c']]);
    const map = await cache.getOrSetMany(
      ['c', 'd'],
      async (missing) => new Map(missing.map((k) => [k, { k }])),
    );
    expect(map).toEqual(['C', { k: 'd' }]);
    await expect(cache.getOrSetMany(['x', 'y'], async () => ['only one'])).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
      argument: 'factory',
    });
  });

  it('getOrSetMany with stampede distributed: overlapping batches in 3 processes compute each key once', async () => {
    const w = setUp();
    const caches = await Promise.all(
      [1, 2, 3].map(() => w.cache({ stampede: 'distributed', lockTimeout: '30s' })),
    );
    const computed: string[] = [];
    const factory = async (missing: readonly string[]) => {
      computed.push(...missing);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return missing.map((key) => `baked ${key}`);
    };
    const batches = [
      ['a', 'b', 'c'],
      ['b', 'c', 'd'],
      ['c', 'd', 'a'],
    ];
    const results = await Promise.all(
      caches.flatMap((cache, i) => [
        cache.getOrSetMany(batches[i]!, factory),
        cache.getOrSetMany(batches[i]!, factory),
      ]),
    );
    results.forEach((values, i) => {
      expect(values).toEqual(batches[Math.floor(i / 2)]!.map((key) => `baked ${key}`));
    });
    expect(computed.sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('getOrSetMany with stampede distributed: a key another process writes between the read and the lock is read again, not computed', async () => {
    const w = setUp();
    const repository = await w.repository();
    const gate = deferred<void>();
    let reachedLock = false;
    // Process A's first lock attempt waits until process B has computed, written and released.
    const gated = new Proxy(repository, {
      get(target, name) {
        const value = Reflect.get(target, name, target);
        if (name !== 'setIfAbsent' || typeof value !== 'function') {
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (...args: unknown[]) => {
          if (!reachedLock) {
            reachedLock = true;
            await gate.promise;
          }
          return value.apply(target, args);
        };
      },
    });
    const a = await w.cache({ stampede: 'distributed', repository: gated });
    const b = await w.cache({ stampede: 'distributed' });
    const computed: string[] = [];
    const factory = async (missing: readonly string[]) => {
      computed.push(...missing);
      return missing.map((key) => `baked ${key}`);
    };
    const fromA = a.getOrSetMany(['d'], factory);
    await until(() => reachedLock);
    expect(await b.getOrSetMany(['d'], factory)).toEqual(['baked d']);
    await until(async () => !(await repository.exists(lockKey('menu', 'd')))); // B released its lock
    gate.resolve();
    expect(await fromA).toEqual(['baked d']);
    expect(computed).toEqual(['d']);
  });

  it('getOrSetMany under grace: a failing factory answers each stale key with its stale value', async () => {
    const w = setUp();
    const cache = await w.cache({ ttl: '1m', grace: '1h' });
    await cache.getOrSetMany(['a', 'b'], async (missing) => missing.map((key) => `old ${key}`));
    w.clock.advance(61_000);
    const boom = new Error('database down');
    expect(await cache.getOrSetMany(['a', 'b'], () => Promise.reject(boom))).toEqual(['old a', 'old b']);
    await expect(cache.getOrSetMany(['a', 'new'], () => Promise.reject(boom))).rejects.toBe(boom);
  });

  it('MessagePack values round-trip through L2 and L1: Date, Map, Set, BigInt, Buffer', async () => {
    const w = setUp();
    const serializer = new MsgpackSerializer();
    const [writer, reader] = await Promise.all([w.cache({ serializer }), w.cache({ serializer })]);
    const value = {
      at: new Date('2026-11-27T08:00:00.000Z'),
      stock: new Map([['mozzarella', 3n ** 50n]]),
      tags: new Set(['veggie', 'classic']),
      photo: Buffer.from([0xff, 0xd8, 0xff]),
    };
    await writer.set('margherita', value);
    for (const cache of [writer, reader, reader]) {
      const read = await cache.get<typeof value>('margherita');
      expect(read).toEqual(value);
      expect(read!.at).toBeInstanceOf(Date);
      expect(Buffer.isBuffer(read!.photo)).toBe(true);
      // A caller mutating its copy cannot change what the cache holds.
      read!.at.setFullYear(1999);
      read!.stock.clear();
      read!.photo[0] = 0;
    }
    expect(await reader.get('margherita')).toEqual(value);
    expect(reader.stats()).toMatchObject({ l2Hits: 1, l1Hits: 2 });
  });

  it('what L1 hands out cannot be mutated into the cache: plain values are deep-frozen', async () => {
    const cache = await setUp().cache();
    const mine = structuredClone(MARGHERITA);
    const first = await cache.getOrSet('margherita', () => mine);
    mine.price = 1; // the factory's own object stays the factory's
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.toppings)).toBe(true);
    expect(() => {
      (first as { price: number }).price = 0;
    }).toThrow(TypeError);
    expect(await cache.get('margherita')).toEqual(MARGHERITA);
  });

  it('skip() answers without caching; a factory that returns undefined is an error', async () => {
    const cache = await setUp().cache();
    expect(await cache.getOrSetWithSource('margherita', ({ skip }) => skip(MARGHERITA))).toEqual({
      value: MARGHERITA,
      source: 'factory',
    });
    expect(await cache.get('margherita')).toBeNull();
    await expect(cache.getOrSet('margherita', () => undefined as never)).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
      argument: 'factory',
    });
    expect(await cache.getOrSet('none', () => null)).toBeNull();
    expect(await cache.has('none')).toBe(true);
    expect((await cache.getOrSetWithSource('none', () => 'not called')).source).toMatch(/^l[12]$/);
  });

  it('l1: false asks L2 on every read; without a repository the cache lives in process only', async () => {
    const w = setUp();
    const noL1 = await w.cache({ l1: false, ttl: '1m' });
    await noL1.getOrSet('margherita', () => MARGHERITA);
    expect(await noL1.getOrSet('margherita', () => Promise.reject(new Error('not called')))).toEqual(
      MARGHERITA,
    );
    expect(noL1.stats()).toMatchObject({
      l1Hits: 0,
      l2Hits: 1,
      misses: 1,
      l1Entries: 0,
      bus: { state: 'off' },
    });
    const local = await w.cache({ repository: undefined, ttl: '1m', grace: '1h' });
    await local.set('margherita', MARGHERITA, { tags: ['menu'] });
    expect(await local.get('margherita')).toEqual(MARGHERITA);
    w.clock.advance(61_000);
    expect(await local.getOrSet('margherita', () => Promise.reject(new Error('down')))).toEqual(MARGHERITA);
    await local.deleteByTag('menu');
    await expect(local.getOrSet('margherita', () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );
    expect(local.stats()).toMatchObject({ l2Hits: 0, staleServed: 1, bus: { state: 'off' } });
  });

  it('setTtl and setTags from inside the factory override the call options', async () => {
    const w = setUp();
    const cache = await w.cache({ ttl: '1h' });
    await cache.getOrSet('margherita', ({ setTtl, setTags }) => {
      setTtl('10s');
      setTags(['menu']);
      return MARGHERITA;
    });
    await cache.deleteByTag('menu');
    expect(await cache.get('margherita')).toBeNull();
    await cache.getOrSet('margherita', ({ setTtl }) => {
      setTtl('10s');
      return MARGHERITA;
    });
    w.clock.advance(10_001);
    expect(await cache.get('margherita')).toBeNull();
  });
}
