import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';

/** Sorted-set commands, exercised the way a kitchen queue and a popularity board use them. */
export function sortedSetContract(ctx: ContractContext): void {
  it('zadd adds members with scores; zrange and zrevrange return them in order', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    expect(
      await repo.zadd('queue', [
        { member: v({ order_id: 'o1' }), score: 1 },
        { member: v({ order_id: 'o2' }), score: 5 },
        { member: v({ order_id: 'o3' }), score: 3 },
      ]),
    ).toBe(3);
    expect(await repo.zrange('queue', 0, -1)).toEqual(
      ctx.values([{ order_id: 'o1' }, { order_id: 'o3' }, { order_id: 'o2' }]),
    );
    expect(await repo.zrevrange('queue', 0, 0, { withScores: true })).toEqual([
      { member: v({ order_id: 'o2' }), score: 5 },
    ]);
    expect(await repo.zrange('queue', 0, 1, { rev: true })).toEqual(
      ctx.values([{ order_id: 'o2' }, { order_id: 'o3' }]),
    );
    expect(await repo.zrange('queue', 0, -1, { withScores: true })).toEqual([
      { member: v({ order_id: 'o1' }), score: 1 },
      { member: v({ order_id: 'o3' }), score: 3 },
      { member: v({ order_id: 'o2' }), score: 5 },
    ]);
    expect(await repo.zcard('queue')).toBe(3);
  });

  it('equal scores are ordered by member bytes, reversed by zrevrange', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.zadd('z', [
      { member: v('b'), score: 1 },
      { member: v('c'), score: 1 },
      { member: v('a'), score: 1 },
    ]);
    expect(await repo.zrange('z', 0, -1)).toEqual(ctx.values(['a', 'b', 'c']));
    expect(await repo.zrevrange('z', 0, -1)).toEqual(ctx.values(['c', 'b', 'a']));
  });

  it('zadd updates scores; nx, xx, gt, lt and ch behave as in Redis', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.zadd('z', { member: v('a'), score: 10 });
    expect(await repo.zadd('z', { member: v('a'), score: 20 })).toBe(0);
    expect(await repo.zscore('z', v('a'))).toBe(20);
    expect(await repo.zadd('z', { member: v('a'), score: 30 }, { nx: true })).toBe(0);
    expect(await repo.zscore('z', v('a'))).toBe(20);
    expect(await repo.zadd('z', { member: v('b'), score: 1 }, { xx: true })).toBe(0);
    expect(await repo.zscore('z', v('b'))).toBeNull();
    expect(await repo.zadd('z', { member: v('a'), score: 5 }, { gt: true, ch: true })).toBe(0);
    expect(await repo.zadd('z', { member: v('a'), score: 25 }, { gt: true, ch: true })).toBe(1);
    expect(await repo.zadd('z', { member: v('a'), score: 30 }, { lt: true })).toBe(0);
    expect(await repo.zscore('z', v('a'))).toBe(25);
    expect(
      await repo.zadd(
        'z',
        [
          { member: v('a'), score: 1 },
          { member: v('c'), score: 2 },
        ],
        { ch: true },
      ),
    ).toBe(2);
  });

  it('scores may be fractional, negative or infinite', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.zadd('z', [
      { member: v('inf'), score: Number.POSITIVE_INFINITY },
      { member: v('neg'), score: -2.5 },
      { member: v('ninf'), score: Number.NEGATIVE_INFINITY },
      { member: v('tiny'), score: 0.125 },
    ]);
    expect(await repo.zrange('z', 0, -1, { withScores: true })).toEqual([
      { member: v('ninf'), score: Number.NEGATIVE_INFINITY },
      { member: v('neg'), score: -2.5 },
      { member: v('tiny'), score: 0.125 },
      { member: v('inf'), score: Number.POSITIVE_INFINITY },
    ]);
    expect(await repo.zscore('z', v('inf'))).toBe(Number.POSITIVE_INFINITY);
  });

  it('zrangebyscore with inclusive, exclusive and infinite bounds, limit and scores', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.zadd(
      'z',
      [1, 2, 3, 4, 5].map((n) => ({ member: v(`m${n}`), score: n })),
    );
    expect(await repo.zrangebyscore('z', 2, 4)).toEqual(ctx.values(['m2', 'm3', 'm4']));
    expect(await repo.zrangebyscore('z', '(2', '(4')).toEqual(ctx.values(['m3']));
    expect(await repo.zrangebyscore('z', '-inf', 2)).toEqual(ctx.values(['m1', 'm2']));
    expect(await repo.zrangebyscore('z', 4, '+inf', { withScores: true })).toEqual([
      { member: v('m4'), score: 4 },
      { member: v('m5'), score: 5 },
    ]);
    expect(
      await repo.zrangebyscore('z', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, {
        offset: 1,
        count: 2,
      }),
    ).toEqual(ctx.values(['m2', 'm3']));
    expect(await repo.zrangebyscore('z', 1, 5, { offset: 3 })).toEqual(ctx.values(['m4', 'm5']));
    expect(await repo.zrangebyscore('z', 6, 9)).toEqual([]);
  });

  it('zincrby and zremrangebyrank keep the top entries (a popularity board)', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    expect(await repo.zincrby('popularity', 1, v('margherita'))).toBe(1);
    expect(await repo.zincrby('popularity', 1, v('margherita'))).toBe(2);
    expect(await repo.zincrby('popularity', 5, v('diavola'))).toBe(5);
    expect(await repo.zincrby('popularity', 0.5, v('funghi'))).toBe(0.5);
    expect(await repo.zremrangebyrank('popularity', 0, -3)).toBe(1);
    expect(await repo.zrevrange('popularity', 0, 9, { withScores: true })).toEqual([
      { member: v('diavola'), score: 5 },
      { member: v('margherita'), score: 2 },
    ]);
    expect(await repo.zremrangebyrank('popularity', 5, 10)).toBe(0);
  });

  it('zrem and zscore; the sorted set disappears with its last member', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.zadd('z', [
      { member: v({ id: 1 }), score: 1 },
      { member: v({ id: 2 }), score: 2 },
    ]);
    expect(await repo.zscore('z', v({ id: 2 }))).toBe(2);
    expect(await repo.zscore('z', v({ id: 9 }))).toBeNull();
    expect(await repo.zrem('z', v({ id: 1 }), v({ id: 9 }))).toBe(1);
    expect(await repo.zrem('z', v({ id: 2 }))).toBe(1);
    expect(await repo.exists('z')).toBe(false);
    expect(await repo.zcard('z')).toBe(0);
    expect(await repo.zrange('z', 0, -1)).toEqual([]);
  });

  it('zpopmin and zpopmax remove and return the extremes atomically', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.zadd(
      'queue',
      [3, 1, 2, 5, 4].map((n) => ({ member: v(`o${n}`), score: n })),
    );
    expect(await repo.zpopmax('queue')).toEqual([{ member: v('o5'), score: 5 }]);
    expect(await repo.zpopmin('queue', 2)).toEqual([
      { member: v('o1'), score: 1 },
      { member: v('o2'), score: 2 },
    ]);
    expect(await repo.zpopmax('queue', 10)).toEqual([
      { member: v('o4'), score: 4 },
      { member: v('o3'), score: 3 },
    ]);
    expect(await repo.zpopmin('queue')).toEqual([]);
    expect(await repo.exists('queue')).toBe(false);
  });
}
