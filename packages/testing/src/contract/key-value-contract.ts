import { expect, it } from 'vitest';
import { type ContractContext, scannedKeys } from './contract-context.js';

/** Strings, TTLs and key-space commands. */
export function keyValueContract(ctx: ContractContext): void {
  it('get returns null for a missing key and round-trips JSON values', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    expect(await repo.get('missing')).toBeNull();
    const values: Array<[string, unknown]> = [
      ['object', { name: 'Margherita', price: 12.99, toppings: ['basil', 'mozzarella'], vegan: false }],
      ['array', [1, 'two', { three: 3 }, null]],
      ['string', 'pizza'],
      ['empty-string', ''],
      ['number', 42.5],
      ['zero', 0],
      ['negative', -7],
      ['boolean', true],
      ['null', null],
      ['unicode', 'Pizza ai funghi 🍕 — ñ 日本'],
    ];
    for (const [key, value] of values) {
      expect(await repo.set(key, v(value))).toBe(true);
      expect(await repo.get(key)).toEqual(v(value));
    }
  });

  it('large values round-trip through every data structure', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    // Large enough to cross a compressing serializer's threshold, so compressed payloads are read too.
    const menu = Array.from({ length: 60 }, (_, i) => ({
      id: `pizza-${i}`,
      name: `Pizza ${i}`,
      price: 10 + i,
    }));
    await repo.set('menu', v(menu));
    expect(await repo.get('menu')).toEqual(v(menu));
    expect(await repo.mget(['menu', 'missing'])).toEqual([v(menu), null]);
    await repo.hset('h', { menu: v(menu), small: v(1) });
    expect(await repo.hgetall('h')).toEqual({ menu: v(menu), small: v(1) });
    expect(await repo.hget('h', 'menu')).toEqual(v(menu));
    await repo.rpush('l', v(menu), v('x'));
    expect(await repo.lrange('l', 0, -1)).toEqual([v(menu), v('x')]);
    expect(await repo.lpop('l')).toEqual(v(menu));
    await repo.sadd('s', v(menu));
    expect(await repo.smembers('s')).toEqual([v(menu)]);
    expect(await repo.sismember('s', v(menu))).toBe(true);
    await repo.zadd('z', [
      { member: v(menu), score: 2 },
      { member: v('small'), score: 1 },
    ]);
    expect(await repo.zrevrange('z', 0, -1, { withScores: true })).toEqual([
      { member: v(menu), score: 2 },
      { member: v('small'), score: 1 },
    ]);
    expect(await repo.zscore('z', v(menu))).toBe(2);
    expect(await repo.zpopmax('z')).toEqual([{ member: v(menu), score: 2 }]);
  });

  it('set overwrites, and nx / xx condition the write', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    expect(await repo.set('k', v(1), { xx: true })).toBe(false);
    expect(await repo.exists('k')).toBe(false);
    expect(await repo.set('k', v(1), { nx: true })).toBe(true);
    expect(await repo.set('k', v(2), { nx: true })).toBe(false);
    expect(await repo.get('k')).toEqual(v(1));
    expect(await repo.set('k', v(3), { xx: true })).toBe(true);
    expect(await repo.get('k')).toEqual(v(3));
    expect(await repo.set('k', v(4))).toBe(true);
    expect(await repo.get('k')).toEqual(v(4));
  });

  it('set with a ttl expires the key; ttl() reports the remaining milliseconds', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    // TTLs of a second or more: checks made before expiry hold on a loaded machine too.
    await repo.set('short', v('soon gone'), { ttl: 1_000 });
    const remaining = await repo.ttl('short');
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(1_000);
    await repo.set('long', v('kept'), { ttl: '24h' });
    expect(await repo.ttl('long')).toBeGreaterThan(23 * 3_600_000);
    await ctx.advanceTime(1_100);
    expect(await repo.get('short')).toBeNull();
    expect(await repo.exists('short')).toBe(false);
    expect(await repo.get('long')).toEqual(v('kept'));
  });

  it('ttl is -1 without expiry and -2 for a missing key; persist removes a ttl', async () => {
    const repo = ctx.repo();
    expect(await repo.ttl('nothing')).toBe(-2);
    await repo.set('k', ctx.value('v'));
    expect(await repo.ttl('k')).toBe(-1);
    expect(await repo.persist('k')).toBe(false);
    expect(await repo.expire('k', '10s')).toBe(true);
    expect(await repo.ttl('k')).toBeGreaterThan(9_000);
    expect(await repo.persist('k')).toBe(true);
    expect(await repo.ttl('k')).toBe(-1);
    expect(await repo.expire('nothing', '10s')).toBe(false);
    expect(await repo.persist('nothing')).toBe(false);
  });

  it('set without keepTtl clears the ttl; keepTtl keeps it', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.set('k', v(1), { ttl: '1h' });
    await repo.set('k', v(2), { keepTtl: true });
    expect(await repo.ttl('k')).toBeGreaterThan(3_000_000);
    await repo.set('k', v(3));
    expect(await repo.ttl('k')).toBe(-1);
  });

  it('expire makes an existing key vanish after the ttl', async () => {
    const repo = ctx.repo();
    await repo.hset('session', { cart: ctx.value([]) });
    expect(await repo.expire('session', 150)).toBe(true);
    await ctx.advanceTime(300);
    expect(await repo.exists('session')).toBe(false);
    expect(await repo.hgetall('session')).toEqual({});
  });

  it('mget returns values in order with null for missing keys and for keys of other types', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.set('a', v({ n: 1 }));
    await repo.set('c', v('three'));
    await repo.sadd('set', v('x'));
    expect(await repo.mget(['a', 'b', 'c', 'set'])).toEqual([v({ n: 1 }), null, v('three'), null]);
    expect(await repo.mget([])).toEqual([]);
  });

  it('mset writes several keys, from an object, a Map or pairs, optionally with a ttl', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.mset({ 'menu:1': v('a'), 'menu:2': v({ b: 2 }) });
    await repo.mset(new Map([['menu:3', v(3)]]));
    await repo.mset([['menu:4', v([4])]], { ttl: '1h' });
    expect(await repo.mget(['menu:1', 'menu:2', 'menu:3', 'menu:4'])).toEqual(
      ctx.values(['a', { b: 2 }, 3, [4]]),
    );
    expect(await repo.ttl('menu:1')).toBe(-1);
    expect(await repo.ttl('menu:4')).toBeGreaterThan(3_000_000);
  });

  it('delete also takes a list of keys, however long', async () => {
    const repo = ctx.repo();
    const keys = Array.from({ length: 20_000 }, (_, i) => `bulk:${i}`);
    await repo.mset(keys.map((key, i) => [key, ctx.value(i)] as const));
    const values = await repo.mget(keys);
    expect(values[0]).toEqual(ctx.value(0));
    expect(values[19_999]).toEqual(ctx.value(19_999));
    expect(await repo.delete(keys)).toBe(20_000);
    expect(await repo.delete([])).toBe(0);
    expect(await repo.exists('bulk:0')).toBe(false);
  });

  it('delete removes keys of any type and counts only existing ones', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.set('s', v(1));
    await repo.hset('h', 'f', v(1));
    await repo.rpush('l', v(1));
    expect(await repo.delete('s', 'h', 'l', 'missing')).toBe(3);
    expect(await repo.delete('s')).toBe(0);
    expect(await repo.delete()).toBe(0);
    expect(await repo.exists('h')).toBe(false);
  });

  it('incrby creates, increments and decrements integers that get() reads back as numbers', async () => {
    const repo = ctx.repo();
    expect(await repo.incrby('counter')).toBe(1);
    expect(await repo.incrby('counter', 41)).toBe(42);
    expect(await repo.incrby('counter', -50)).toBe(-8);
    expect(await repo.get('counter')).toEqual(ctx.value(-8));
  });

  it('incrby on an integer written by set works where the serializer stores integers as text', async () => {
    const repo = ctx.repo();
    await repo.set('stock', ctx.value(10));
    if (ctx.serializer.integersAsText) {
      expect(await repo.incrby('stock', -3)).toBe(7);
      expect(await repo.get('stock')).toEqual(ctx.value(7));
    } else {
      // A binary serializer frames the integer (0xC1 header), which Redis does not take as a number.
      await expect(repo.incrby('stock', -3)).rejects.toMatchObject({ code: 'E_COMMAND' });
      expect(await repo.get('stock')).toEqual(ctx.value(10));
    }
  });

  it('incrby on a value that is not an integer fails with E_COMMAND and keeps the value', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.set('name', v('margherita'));
    await expect(repo.incrby('name', 1)).rejects.toMatchObject({ code: 'E_COMMAND' });
    await repo.set('float', v(1.5));
    await expect(repo.incrby('float', 1)).rejects.toMatchObject({ code: 'E_COMMAND' });
    expect(await repo.get('name')).toEqual(v('margherita'));
  });

  it('incrby keeps the ttl of the key', async () => {
    const repo = ctx.repo();
    await repo.incrby('hits', 1);
    await repo.expire('hits', '1h');
    await repo.incrby('hits', 1);
    expect(await repo.ttl('hits')).toBeGreaterThan(3_000_000);
  });

  it('scan iterates keys matching a pattern, without the prefix', async () => {
    const repo = ctx.repo();
    await repo.mset(
      ctx.fields({ 'menu:item:1': 1, 'menu:item:2': 2, 'menu:category:pizza': 3, 'order:1': 4 }),
    );
    expect(await scannedKeys(repo.scan('menu:item:*'))).toEqual(['menu:item:1', 'menu:item:2']);
    expect(await scannedKeys(repo.scan())).toEqual([
      'menu:category:pizza',
      'menu:item:1',
      'menu:item:2',
      'order:1',
    ]);
    expect(await scannedKeys(repo.scan('nothing:*'))).toEqual([]);
  });

  it('scan walks a keyspace larger than one batch and filters by type', async () => {
    const repo = ctx.repo();
    const entries = Array.from({ length: 120 }, (_, i) => [`bulk:${i}`, ctx.value(i)] as const);
    await repo.mset(entries);
    await repo.hset('bulk:hash', 'f', ctx.value(1));
    const keys = new Set(await scannedKeys(repo.scan('bulk:*', { count: 7 })));
    expect(keys.size).toBe(121);
    expect(await scannedKeys(repo.scan('bulk:*', { type: 'hash' }))).toEqual(['bulk:hash']);
  });

  it('deletePattern deletes matching keys only and returns the count', async () => {
    const repo = ctx.repo();
    await repo.mset(Array.from({ length: 60 }, (_, i) => [`menu:item:${i}`, ctx.value(i)] as const));
    await repo.set('menu:config', ctx.value('keep'));
    await repo.hset('menu:item:hash', { f: ctx.value(1) });
    expect(await repo.deletePattern('menu:item:*', { count: 10 })).toBe(61);
    expect(await scannedKeys(repo.scan('menu:*'))).toEqual(['menu:config']);
    expect(await repo.deletePattern('menu:item:*')).toBe(0);
  });
}
