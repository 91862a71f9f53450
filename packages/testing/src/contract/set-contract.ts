import { expect, it } from 'vitest';
import { type ContractContext, sortedCopy } from './contract-context.js';

/** Set commands, exercised the way customer segmentation uses them. */
export function setContract(ctx: ContractContext): void {
  it('sadd counts new members; smembers, sismember and scard read them', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    expect(await repo.sadd('vip', v('c1'), v('c2'))).toBe(2);
    expect(await repo.sadd('vip', v('c2'), v('c3'))).toBe(1);
    expect(sortedCopy(await repo.smembers('vip'))).toEqual(sortedCopy(ctx.values(['c1', 'c2', 'c3'])));
    expect(await repo.sismember('vip', v('c1'))).toBe(true);
    expect(await repo.sismember('vip', v('c9'))).toBe(false);
    expect(await repo.scard('vip')).toBe(3);
    expect(await repo.smembers('none')).toEqual([]);
    expect(await repo.scard('none')).toBe(0);
    expect(await repo.sismember('none', v('c1'))).toBe(false);
  });

  it('members are compared by serialized value, objects included', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    expect(await repo.sadd('s', v({ id: 1 }), v({ id: 1 }), v(1), v('1'))).toBe(3);
    expect(await repo.sismember('s', v({ id: 1 }))).toBe(true);
    expect(await repo.sismember('s', v('1'))).toBe(true);
    expect(await repo.srem('s', v({ id: 1 }))).toBe(1);
    expect(sortedCopy(await repo.smembers('s'))).toEqual(sortedCopy(ctx.values([1, '1'])));
  });

  it('srem removes members; the set disappears with its last member', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.sadd('s', v('a'), v('b'));
    expect(await repo.srem('s', v('a'), v('z'))).toBe(1);
    expect(await repo.srem('s', v('b'))).toBe(1);
    expect(await repo.exists('s')).toBe(false);
    expect(await repo.srem('s', v('b'))).toBe(0);
  });

  it('sinter, sunion and sdiff combine sets, treating missing keys as empty', async () => {
    const repo = ctx.repo();
    const vs = (samples: unknown[]) => sortedCopy(ctx.values(samples));
    await repo.sadd('{seg}:vip', ...vs(['c1', 'c2', 'c3']));
    await repo.sadd('{seg}:pizza_lovers', ...vs(['c2', 'c3', 'c4']));
    expect(sortedCopy(await repo.sinter(['{seg}:vip', '{seg}:pizza_lovers']))).toEqual(vs(['c2', 'c3']));
    expect(sortedCopy(await repo.sunion(['{seg}:vip', '{seg}:pizza_lovers']))).toEqual(
      vs(['c1', 'c2', 'c3', 'c4']),
    );
    expect(await repo.sdiff(['{seg}:vip', '{seg}:pizza_lovers'])).toEqual(vs(['c1']));
    expect(await repo.sinter(['{seg}:vip', '{seg}:missing'])).toEqual([]);
    expect(sortedCopy(await repo.sunion(['{seg}:vip', '{seg}:missing']))).toEqual(vs(['c1', 'c2', 'c3']));
  });

  it('sinter and sunion work on keys in different hash slots', async () => {
    const repo = ctx.repo();
    const vs = (samples: unknown[]) => sortedCopy(ctx.values(samples));
    await repo.sadd('segment:a', ...vs([1, 2, 3]));
    await repo.sadd('segment:b', ...vs([2, 3, 4]));
    await repo.sadd('segment:c', ...vs([3, 4, 5]));
    expect(await repo.sinter(['segment:a', 'segment:b', 'segment:c'])).toEqual(vs([3]));
    expect(sortedCopy(await repo.sunion(['segment:a', 'segment:c']))).toEqual(vs([1, 2, 3, 4, 5]));
    expect(sortedCopy(await repo.sdiff(['segment:a', 'segment:c']))).toEqual(vs([1, 2]));
  });

  it('sunionstore and sinterstore write the result and return its size (a campaign audience)', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.sadd('{seg}:vip', v('c1'), v('c2'));
    await repo.sadd('{seg}:new', v('c2'), v('c3'));
    expect(await repo.sunionstore('{seg}:campaign:1', ['{seg}:vip', '{seg}:new'])).toBe(3);
    expect(await repo.expire('{seg}:campaign:1', '7d')).toBe(true);
    expect(await repo.scard('{seg}:campaign:1')).toBe(3);
    expect(await repo.sinterstore('{seg}:both', ['{seg}:vip', '{seg}:new'])).toBe(1);
    expect(await repo.smembers('{seg}:both')).toEqual([v('c2')]);
  });

  it('a *store with an empty result deletes the destination, whatever it held', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.set('{seg}:dest', v('old string'));
    await repo.sadd('{seg}:a', v(1));
    expect(await repo.sinterstore('{seg}:dest', ['{seg}:a', '{seg}:none'])).toBe(0);
    expect(await repo.exists('{seg}:dest')).toBe(false);
    await repo.set('{seg}:dest', v('old string'));
    expect(await repo.sunionstore('{seg}:dest', ['{seg}:a'])).toBe(1);
    expect(await repo.smembers('{seg}:dest')).toEqual([v(1)]);
  });
}
