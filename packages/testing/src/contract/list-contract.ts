import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';

/** List commands. */
export function listContract(ctx: ContractContext): void {
  it('lpush prepends and rpush appends, returning the length', async () => {
    const repo = ctx.repo();
    expect(await repo.rpush('l', 'b', 'c')).toBe(2);
    expect(await repo.lpush('l', 'a')).toBe(3);
    expect(await repo.lpush('l', 'y', 'z')).toBe(5);
    expect(await repo.lrange('l', 0, -1)).toEqual(['z', 'y', 'a', 'b', 'c']);
    expect(await repo.llen('l')).toBe(5);
  });

  it('elements are serialized values', async () => {
    const repo = ctx.repo();
    await repo.rpush('orders', { id: 1 }, [2], 3, null);
    expect(await repo.lrange('orders', 0, -1)).toEqual([{ id: 1 }, [2], 3, null]);
  });

  it('lrange handles negative and out-of-range indexes as Redis does', async () => {
    const repo = ctx.repo();
    await repo.rpush('l', 0, 1, 2, 3, 4);
    expect(await repo.lrange('l', 1, 2)).toEqual([1, 2]);
    expect(await repo.lrange('l', -2, -1)).toEqual([3, 4]);
    expect(await repo.lrange('l', -100, 1)).toEqual([0, 1]);
    expect(await repo.lrange('l', 3, 100)).toEqual([3, 4]);
    expect(await repo.lrange('l', 4, 2)).toEqual([]);
    expect(await repo.lrange('l', 10, 20)).toEqual([]);
    expect(await repo.lrange('missing', 0, -1)).toEqual([]);
  });

  it('lpop and rpop remove from each end; the list disappears when empty', async () => {
    const repo = ctx.repo();
    await repo.rpush('l', 'a', 'b', 'c');
    expect(await repo.lpop('l')).toBe('a');
    expect(await repo.rpop('l')).toBe('c');
    expect(await repo.lpop('l')).toBe('b');
    expect(await repo.lpop('l')).toBeNull();
    expect(await repo.rpop('l')).toBeNull();
    expect(await repo.exists('l')).toBe(false);
  });

  it('ltrim keeps a window and deletes the key when nothing is left', async () => {
    const repo = ctx.repo();
    await repo.rpush('recent', 1, 2, 3, 4, 5);
    await repo.ltrim('recent', 0, 2);
    expect(await repo.lrange('recent', 0, -1)).toEqual([1, 2, 3]);
    await repo.ltrim('recent', -2, -1);
    expect(await repo.lrange('recent', 0, -1)).toEqual([2, 3]);
    await repo.ltrim('recent', 5, 10);
    expect(await repo.exists('recent')).toBe(false);
    await repo.ltrim('missing', 0, 1);
    expect(await repo.llen('missing')).toBe(0);
  });
}
