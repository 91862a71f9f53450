import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';

/** List commands. */
export function listContract(ctx: ContractContext): void {
  it('lpush prepends and rpush appends, returning the length', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    expect(await repo.rpush('l', v('b'), v('c'))).toBe(2);
    expect(await repo.lpush('l', v('a'))).toBe(3);
    expect(await repo.lpush('l', v('y'), v('z'))).toBe(5);
    expect(await repo.lrange('l', 0, -1)).toEqual(ctx.values(['z', 'y', 'a', 'b', 'c']));
    expect(await repo.llen('l')).toBe(5);
  });

  it('elements are serialized values', async () => {
    const repo = ctx.repo();
    const elements = [{ id: 1 }, [2], 3, null];
    await repo.rpush('orders', ...ctx.values(elements));
    expect(await repo.lrange('orders', 0, -1)).toEqual(ctx.values(elements));
  });

  it('lrange handles negative and out-of-range indexes as Redis does', async () => {
    const repo = ctx.repo();
    const vs = ctx.values;
    await repo.rpush('l', ...vs([0, 1, 2, 3, 4]));
    expect(await repo.lrange('l', 1, 2)).toEqual(vs([1, 2]));
    expect(await repo.lrange('l', -2, -1)).toEqual(vs([3, 4]));
    expect(await repo.lrange('l', -100, 1)).toEqual(vs([0, 1]));
    expect(await repo.lrange('l', 3, 100)).toEqual(vs([3, 4]));
    expect(await repo.lrange('l', 4, 2)).toEqual([]);
    expect(await repo.lrange('l', 10, 20)).toEqual([]);
    expect(await repo.lrange('missing', 0, -1)).toEqual([]);
  });

  it('lpop and rpop remove from each end; the list disappears when empty', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.rpush('l', v('a'), v('b'), v('c'));
    expect(await repo.lpop('l')).toEqual(v('a'));
    expect(await repo.rpop('l')).toEqual(v('c'));
    expect(await repo.lpop('l')).toEqual(v('b'));
    expect(await repo.lpop('l')).toBeNull();
    expect(await repo.rpop('l')).toBeNull();
    expect(await repo.exists('l')).toBe(false);
  });

  it('ltrim keeps a window and deletes the key when nothing is left', async () => {
    const repo = ctx.repo();
    const vs = ctx.values;
    await repo.rpush('recent', ...vs([1, 2, 3, 4, 5]));
    await repo.ltrim('recent', 0, 2);
    expect(await repo.lrange('recent', 0, -1)).toEqual(vs([1, 2, 3]));
    await repo.ltrim('recent', -2, -1);
    expect(await repo.lrange('recent', 0, -1)).toEqual(vs([2, 3]));
    await repo.ltrim('recent', 5, 10);
    expect(await repo.exists('recent')).toBe(false);
    await repo.ltrim('missing', 0, 1);
    expect(await repo.llen('missing')).toBe(0);
  });
}
