import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';

/** Hash commands, exercised the way a customer-session store uses them. */
export function hashContract(ctx: ContractContext): void {
  it('hset stores serialized fields; hgetall returns them deserialized', async () => {
    const repo = ctx.repo();
    const session = {
      customer_id: 'c1',
      cart_items: [{ pizza: 'margherita', qty: 2 }],
      preferences: { crust: 'thin' },
      last_activity: '2026-01-01T12:00:00Z',
    };
    expect(await repo.hset('session:c1', ctx.fields(session))).toBe(4);
    expect(await repo.hgetall('session:c1')).toEqual(ctx.fields(session));
    expect(await repo.hgetall('session:none')).toEqual({});
  });

  it('hset updates fields, counting only new ones, with an object, a Map or one field', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.hset('h', ctx.fields({ a: 1, b: 2 }));
    expect(await repo.hset('h', ctx.fields({ b: 3, c: 4 }))).toBe(1);
    expect(await repo.hset('h', 'd', v([5]))).toBe(1);
    expect(await repo.hset('h', 'd', v([6]))).toBe(0);
    expect(await repo.hset('h', new Map([['e', v(null)]]))).toBe(1);
    expect(await repo.hgetall('h')).toEqual(ctx.fields({ a: 1, b: 3, c: 4, d: [6], e: null }));
  });

  it('hget reads one field or null', async () => {
    const repo = ctx.repo();
    await repo.hset('h', { cart_items: ctx.value(['a', 'b']) });
    expect(await repo.hget('h', 'cart_items')).toEqual(ctx.value(['a', 'b']));
    expect(await repo.hget('h', 'missing')).toBeNull();
    expect(await repo.hget('none', 'cart_items')).toBeNull();
  });

  it('hdel, hexists, hkeys and hlen; the hash disappears with its last field', async () => {
    const repo = ctx.repo();
    await repo.hset('h', ctx.fields({ a: 1, b: 2, c: 3 }));
    expect(await repo.hexists('h', 'a')).toBe(true);
    expect(await repo.hexists('h', 'z')).toBe(false);
    expect((await repo.hkeys('h')).sort()).toEqual(['a', 'b', 'c']);
    expect(await repo.hlen('h')).toBe(3);
    expect(await repo.hdel('h', 'a', 'z')).toBe(1);
    expect(await repo.hlen('h')).toBe(2);
    expect(await repo.hdel('h', 'b', 'c')).toBe(2);
    expect(await repo.exists('h')).toBe(false);
    expect(await repo.hkeys('h')).toEqual([]);
    expect(await repo.hlen('h')).toBe(0);
    expect(await repo.hdel('h', 'a')).toBe(0);
  });

  it('hincrby counts per field, like an hourly analytics hash', async () => {
    const repo = ctx.repo();
    expect(await repo.hincrby('hourly', '12', 1)).toBe(1);
    expect(await repo.hincrby('hourly', '12', 1)).toBe(2);
    expect(await repo.hincrby('hourly', '13', 5)).toBe(5);
    expect(await repo.hincrby('hourly', '13', -2)).toBe(3);
    expect(await repo.hgetall('hourly')).toEqual(ctx.fields({ '12': 2, '13': 3 }));
    await repo.hset('hourly', 'note', ctx.value('text'));
    await expect(repo.hincrby('hourly', 'note', 1)).rejects.toMatchObject({ code: 'E_COMMAND' });
  });

  it('a field that could pollute prototypes once read as an object is refused when written', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    const hostile = JSON.parse('{"name":"x","__proto__":{"polluted":true}}') as Record<string, unknown>;
    await expect(repo.hset('h', hostile)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(repo.hset('h', '__proto__', v(1))).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(repo.hincrby('h', '__proto__', 1)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    if (ctx.serializer.values === 'structured') {
      await expect(repo.hset('h', 'constructor', { prototype: { polluted: true } })).rejects.toMatchObject({
        code: 'E_INVALID_ARGUMENT',
      });
    }
    expect(await repo.exists('h')).toBe(false);
    await repo.hset('h', ctx.fields({ constructor: 'Bob', prototype: 1, __proto: 2 }));
    expect(await repo.hgetall('h')).toEqual(ctx.fields({ constructor: 'Bob', prototype: 1, __proto: 2 }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
}
