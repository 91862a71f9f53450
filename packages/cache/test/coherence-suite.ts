import { expect, it } from 'vitest';
import { until, type World, worldPerTest } from './world.js';

const ITEM = { id: 'margherita', price: 12.5 };

/**
 * Writes and invalidations across "processes" (caches on separate repositories of one store or
 * server), on any world: L1 coherence through the bus, expire vs delete, tags (deleted and expired,
 * with grace: bentocache#71, #63), namespaces and `clear()` (bentocache#32).
 */
export function coherenceSuite(newWorld: () => World): void {
  const setUp = worldPerTest(newWorld);

  it('set in one process evicts the key from the other processes’ L1; the writer’s own L1 has the new value', async () => {
    const w = setUp();
    const [a, b] = await Promise.all([w.cache(), w.cache()]);
    await a.set('margherita', ITEM);
    expect(await b.get('margherita')).toEqual(ITEM); // L2 hit, now in b's L1
    expect(await b.get('margherita')).toEqual(ITEM);
    expect(b.stats()).toMatchObject({ l1Hits: 1, l2Hits: 1 });
    await a.set('margherita', { ...ITEM, price: 13 });
    expect(await a.get('margherita')).toEqual({ ...ITEM, price: 13 });
    expect(a.stats().l1Hits).toBe(1);
    await until(async () => (await b.get<typeof ITEM>('margherita'))?.price === 13);
    expect(a.stats().bus.messagesOut).toBe(2);
    await until(() => b.stats().bus.messagesIn === 2);
  });

  it('delete removes the key everywhere; expire keeps it for grace (served only if the factory fails)', async () => {
    const w = setUp();
    const [a, b] = await Promise.all([w.cache({ grace: '1h' }), w.cache({ grace: '1h' })]);
    await a.set('margherita', ITEM);
    await a.set('pepperoni', ITEM);
    expect(await b.get('margherita')).toEqual(ITEM);
    expect(await b.get('pepperoni')).toEqual(ITEM);
    await a.delete('margherita');
    await a.expire('pepperoni');
    await until(async () => (await b.get('margherita')) === null && (await b.get('pepperoni')) === null);
    expect(await b.has('pepperoni')).toBe(false);
    const failing = () => Promise.reject(new Error('database down'));
    await expect(b.getOrSet('margherita', failing)).rejects.toThrow('database down');
    expect(await b.getOrSet('pepperoni', failing)).toEqual(ITEM);
    // b backs off (graceBackoff) after its failure; another process refreshes the value.
    expect(await a.getOrSet('pepperoni', () => ({ ...ITEM, price: 20 }))).toEqual({ ...ITEM, price: 20 });
    expect(await a.delete(['pepperoni', 'margherita', 'never'])).toBe(1);
    expect(await a.get('pepperoni')).toBeNull();
  });

  it('deleteByTag invalidates tagged entries in every process without a scan; never served again, even under grace', async () => {
    const w = setUp();
    const [a, b] = await Promise.all([w.cache({ grace: '6h' }), w.cache({ grace: '6h' })]);
    await a.getOrSet('margherita', () => ITEM, { tags: ['menu', 'pizza'] });
    await a.getOrSet('cola', () => ({ id: 'cola' }), { tags: ['drinks'] });
    expect(await b.get('margherita')).toEqual(ITEM);
    await b.deleteByTag('pizza');
    expect(await b.get('margherita')).toBeNull();
    await until(async () => (await a.get('margherita')) === null);
    // bentocache#71: the factory fails, grace is on, and still the deleted value is not served.
    const failing = () => Promise.reject(new Error('database down'));
    await expect(a.getOrSet('margherita', failing)).rejects.toThrow('database down');
    await expect(b.getOrSet('margherita', failing)).rejects.toThrow('database down');
    expect(await a.get('cola')).toEqual({ id: 'cola' });
    // Written after the invalidation: valid.
    await a.set('margherita', { ...ITEM, price: 14 }, { tags: ['pizza'] });
    expect(await b.get('margherita')).toEqual({ ...ITEM, price: 14 });
  });

  it('expireByTag + grace: the value is never served as fresh again, only as a fail-safe fallback (bentocache#63, #71)', async () => {
    const w = setUp();
    const [a, b] = await Promise.all([w.cache({ grace: '6h' }), w.cache({ grace: '6h' })]);
    await a.set('margherita', ITEM, { tags: ['menu'] });
    expect(await b.get('margherita')).toEqual(ITEM);
    await a.expireByTag(['menu']);
    await until(async () => (await b.get('margherita')) === null);
    expect(await a.get('margherita')).toBeNull();
    const reasons: string[] = [];
    b.on('stale', (event) => reasons.push(event.reason));
    expect(await b.getOrSet('margherita', () => Promise.reject(new Error('down')))).toEqual(ITEM);
    expect(reasons).toEqual(['factory-error']);
    expect(await a.getOrSet('margherita', () => ({ ...ITEM, price: 15 }), { graceBackoff: 0 })).toMatchObject(
      {
        price: 15,
      },
    );
  });

  it('clear() empties this namespace (and its children) in every process, and nothing else (bentocache#32)', async () => {
    const w = setUp();
    const [a, b] = await Promise.all([w.cache(), w.cache()]);
    const [drinksA, drinksB] = [a.namespace('drinks'), b.namespace('drinks')];
    const other = await w.cache({ namespace: 'orders' });
    await a.set('margherita', ITEM);
    await drinksA.set('cola', { id: 'cola' });
    await other.set('o1', { id: 'o1' });
    expect(drinksA.name).toBe('menu:drinks');
    const probe = await w.repository();
    expect(await probe.exists('menu:drinks:cola')).toBe(true);
    expect(await b.get('margherita')).toEqual(ITEM);
    expect(await drinksB.get('cola')).toEqual({ id: 'cola' });
    expect(await drinksA.clear()).toBe(1);
    await until(async () => (await drinksB.get('cola')) === null);
    expect(await b.get('margherita')).toEqual(ITEM);
    await a.clear();
    await until(async () => (await b.get('margherita')) === null);
    expect(await other.get('o1')).toEqual({ id: 'o1' });
    expect(await probe.exists('orders:o1')).toBe(true);
  });

  it('a namespace has its own keys and tags: the same key or tag elsewhere is untouched', async () => {
    const w = setUp();
    const cache = await w.cache();
    const drinks = cache.namespace('drinks', { ttl: '1m' });
    await cache.set('x', 'menu x', { tags: ['t'] });
    await drinks.set('x', 'drinks x', { tags: ['t'] });
    expect(await cache.get('x')).toBe('menu x');
    expect(await drinks.get('x')).toBe('drinks x');
    await drinks.deleteByTag('t');
    expect(await drinks.get('x')).toBeNull();
    expect(await cache.get('x')).toBe('menu x');
    w.clock.advance(60_001);
    await drinks.set('y', 'y');
    w.clock.advance(60_001);
    expect(await drinks.get('y')).toBeNull();
    expect(await cache.get('x')).toBe('menu x');
  });
}
