import type { XAddOptions } from '@forno/core';
import { expect, it } from 'vitest';
import { type ContractContext, scannedKeys } from './contract-context.js';

const ID = /^\d+-\d+$/;

/** `xadd` with each field value in the form the serializer under test stores. */
function xadd(
  ctx: ContractContext,
  key: string,
  fields: Readonly<Record<string, unknown>>,
  options?: XAddOptions,
): Promise<string | null> {
  return ctx.repo().xadd(key, ctx.fields(fields), options);
}

/** Stream commands and consumer groups: what makes a stream a reliable at-least-once queue. */
export function streamContract(ctx: ContractContext): void {
  it('xadd appends entries with increasing IDs; xrange reads them back with their fields deserialized', async () => {
    const repo = ctx.repo();
    const first = await xadd(ctx, 'orders', { orderId: 'o-1', pizzas: ['margherita'] });
    const second = await xadd(ctx, 'orders', { orderId: 'o-2' });
    expect(first).toMatch(ID);
    expect(second).toMatch(ID);
    expect(await repo.xlen('orders')).toBe(2);
    expect(await repo.xlen('missing')).toBe(0);
    expect(await repo.xrange('orders')).toEqual([
      { id: first, fields: ctx.fields({ orderId: 'o-1', pizzas: ['margherita'] }) },
      { id: second, fields: ctx.fields({ orderId: 'o-2' }) },
    ]);
    expect(await repo.xrevrange('orders', '+', '-', { count: 1 })).toEqual([
      { id: second, fields: ctx.fields({ orderId: 'o-2' }) },
    ]);
    expect(await repo.xrange('missing')).toEqual([]);
  });

  it('xadd takes explicit IDs, refuses one that does not grow, and creates nothing with noMkStream', async () => {
    const repo = ctx.repo();
    expect(await xadd(ctx, 's', { n: 1 }, { id: '5-1' })).toBe('5-1');
    expect(await xadd(ctx, 's', { n: 2 }, { id: '5-*' })).toBe('5-2');
    expect(await xadd(ctx, 's', { n: 3 }, { id: '7' })).toBe('7-0');
    await expect(xadd(ctx, 's', { n: 4 }, { id: '6-0' })).rejects.toMatchObject({ code: 'E_COMMAND' });
    expect(await xadd(ctx, 'none', { n: 1 }, { noMkStream: true })).toBeNull();
    expect(await repo.exists('none')).toBe(false);
  });

  it('xrange honours inclusive and exclusive bounds, partial IDs and count', async () => {
    const repo = ctx.repo();
    for (const id of ['1-0', '1-1', '2-0', '3-0']) await xadd(ctx, 's', { id }, { id });
    const ids = async (entries: Promise<Array<{ id: string }>>) => (await entries).map((e) => e.id);
    expect(await ids(repo.xrange('s', '1', '1'))).toEqual(['1-0', '1-1']);
    expect(await ids(repo.xrange('s', '(1-0', '2'))).toEqual(['1-1', '2-0']);
    expect(await ids(repo.xrange('s', '-', '+', { count: 2 }))).toEqual(['1-0', '1-1']);
    expect(await ids(repo.xrevrange('s', '(3-0', '-'))).toEqual(['2-0', '1-1', '1-0']);
  });

  it('xdel removes entries by ID and xtrim caps by length or by oldest ID kept', async () => {
    const repo = ctx.repo();
    for (let i = 1; i <= 6; i++) await xadd(ctx, 's', { i }, { id: `${i}-0` });
    expect(await repo.xdel('s', '2-0', '9-0')).toBe(1);
    expect(await repo.xtrim('s', { maxLen: 3 })).toBe(2);
    expect((await repo.xrange('s')).map((e) => e.id)).toEqual(['4-0', '5-0', '6-0']);
    expect(await repo.xtrim('s', { minId: '5' })).toBe(1);
    // `~` trims whole nodes only, never below the cap: nothing from a stream this small.
    expect(await repo.xtrim('s', { maxLen: 1, approximate: true })).toBe(0);
    expect(await repo.xlen('s')).toBe(2);
    await xadd(ctx, 's', { i: 7 }, { id: '7-0', maxLen: 1 });
    expect((await repo.xrange('s')).map((e) => e.id)).toEqual(['7-0']);
    // An emptied stream stays (it keeps its last ID).
    expect(await repo.xdel('s', '7-0')).toBe(1);
    expect(await repo.exists('s')).toBe(true);
    await expect(xadd(ctx, 's', { i: 0 }, { id: '6-0' })).rejects.toMatchObject({ code: 'E_COMMAND' });
  });

  it('xread returns entries after an ID, and waits for new ones with block', async () => {
    const repo = ctx.repo();
    const first = (await xadd(ctx, 's', { n: 1 })) as string;
    expect((await repo.xread('s', '0')).map((e) => e.fields)).toEqual([ctx.fields({ n: 1 })]);
    expect(await repo.xread('s', first)).toEqual([]);
    expect(await repo.xread('s', '$')).toEqual([]);
    expect(await repo.xread('missing', '0')).toEqual([]);
    const waiting = repo.xread('s', '$', { block: '2s' });
    setTimeout(() => void xadd(ctx, 's', { n: 2 }), 30);
    expect((await waiting).map((e) => e.fields)).toEqual([ctx.fields({ n: 2 })]);
    const started = performance.now();
    expect(await repo.xread('s', '$', { block: 60 })).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    const abort = new AbortController();
    const aborted = repo.xread('s', '$', { block: '10s', signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    expect(await aborted).toEqual([]);
  });

  it('xread reads several streams in one call, each after its own ID, with prefixed keys', async () => {
    const repo = ctx.repo();
    const urgent = (await xadd(ctx, '{orders}:urgent', { n: 1 })) as string;
    await xadd(ctx, '{orders}:urgent', { n: 2 });
    await xadd(ctx, '{orders}:new', { n: 3 });
    const read = await repo.xread({ '{orders}:urgent': urgent, '{orders}:new': '0', '{orders}:none': '0' });
    expect(Object.keys(read).sort()).toEqual(['{orders}:new', '{orders}:none', '{orders}:urgent']);
    expect(read['{orders}:urgent']?.map((e) => e.fields)).toEqual([ctx.fields({ n: 2 })]);
    expect(read['{orders}:new']?.map((e) => e.fields)).toEqual([ctx.fields({ n: 3 })]);
    expect(read['{orders}:none']).toEqual([]);
    const counted = await repo.xread({ '{orders}:urgent': '0', '{orders}:new': '0' }, { count: 1 });
    expect(counted['{orders}:urgent']?.map((e) => e.fields)).toEqual([ctx.fields({ n: 1 })]);

    const other = await ctx.createSibling(`${ctx.prefix()}other:`);
    expect(await other.xread({ '{orders}:urgent': '0' })).toEqual({ '{orders}:urgent': [] });

    const waiting = repo.xread({ '{orders}:urgent': '$', '{orders}:new': '$' }, { block: '2s' });
    setTimeout(() => void xadd(ctx, '{orders}:new', { n: 4 }), 30);
    const woken = await waiting;
    expect(woken['{orders}:new']?.map((e) => e.fields)).toEqual([ctx.fields({ n: 4 })]);
    expect(woken['{orders}:urgent']).toEqual([]);

    await expect(repo.xread({})).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(repo.xread({ '{orders}:new': 'x' })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    if (ctx.cluster) {
      // Three untagged keys: all in one slot once in 16384² runs.
      await expect(repo.xread({ 'orders:a': '0', 'orders:b': '0', 'orders:c': '0' })).rejects.toMatchObject({
        code: 'E_CROSS_SLOT',
      });
    }
  });

  it('a consumer group delivers each entry to one consumer and keeps it pending until acknowledged', async () => {
    const repo = ctx.repo();
    expect(await repo.xgroupCreate('q', 'kitchen', '0', { mkStream: true })).toBe(true);
    expect(await repo.xgroupCreate('q', 'kitchen', '0')).toBe(false);
    const ids = [];
    for (let n = 1; n <= 3; n++) ids.push(await xadd(ctx, 'q', { n }));
    const a = await repo.xreadgroup('q', 'kitchen', 'station-a', { count: 2 });
    const b = await repo.xreadgroup('q', 'kitchen', 'station-b', { count: 5 });
    expect(a.map((e) => e.id)).toEqual(ids.slice(0, 2));
    expect(b.map((e) => e.fields)).toEqual([ctx.fields({ n: 3 })]);
    expect(await repo.xreadgroup('q', 'kitchen', 'station-b')).toEqual([]);
    expect(await repo.xpending('q', 'kitchen')).toEqual({
      count: 3,
      minId: ids[0],
      maxId: ids[2],
      consumers: [
        { name: 'station-a', pending: 2 },
        { name: 'station-b', pending: 1 },
      ],
    });
    expect(await repo.xack('q', 'kitchen', ids[0] as string, ids[0] as string)).toBe(1);
    expect(await repo.xack('q', 'kitchen', ids[0] as string)).toBe(0);
    const pending = await repo.xpending('q', 'kitchen', { count: 10 });
    expect(pending.map(({ id, consumer, deliveries }) => ({ id, consumer, deliveries }))).toEqual([
      { id: ids[1], consumer: 'station-a', deliveries: 1 },
      { id: ids[2], consumer: 'station-b', deliveries: 1 },
    ]);
    expect(await repo.xpending('q', 'kitchen', { count: 10, consumer: 'station-b' })).toHaveLength(1);
    // After a restart, a consumer re-reads its own pending history.
    const history = await repo.xreadgroup('q', 'kitchen', 'station-a', { id: '0' });
    expect(history.map((e) => e.id)).toEqual([ids[1]]);
    expect(await repo.xack('q', 'kitchen', ids[1] as string, ids[2] as string)).toBe(2);
    expect(await repo.xpending('q', 'kitchen')).toEqual({
      count: 0,
      minId: null,
      maxId: null,
      consumers: [],
    });
  });

  it('xgroupCreate from $ skips existing entries; without mkStream it needs the stream', async () => {
    const repo = ctx.repo();
    await expect(repo.xgroupCreate('none', 'g')).rejects.toMatchObject({ code: 'E_COMMAND' });
    await xadd(ctx, 's', { n: 1 });
    expect(await repo.xgroupCreate('s', 'g')).toBe(true);
    expect(await repo.xreadgroup('s', 'g', 'c')).toEqual([]);
    await xadd(ctx, 's', { n: 2 });
    expect((await repo.xreadgroup('s', 'g', 'c')).map((e) => e.fields)).toEqual([ctx.fields({ n: 2 })]);
    await expect(repo.xreadgroup('s', 'nogroup', 'c')).rejects.toMatchObject({ code: 'E_COMMAND' });
    await expect(repo.xpending('s', 'nogroup')).rejects.toMatchObject({ code: 'E_COMMAND' });
    expect(await repo.xack('s', 'nogroup', '1-0')).toBe(0);
  });

  it('xreadgroup with block waits for an entry added later', async () => {
    const repo = ctx.repo();
    await repo.xgroupCreate('q', 'g', '$', { mkStream: true });
    const waiting = repo.xreadgroup('q', 'g', 'c', { block: '2s', count: 1 });
    setTimeout(() => void xadd(ctx, 'q', { n: 1 }), 30);
    expect((await waiting).map((e) => e.fields)).toEqual([ctx.fields({ n: 1 })]);
    expect(await repo.xreadgroup('q', 'g', 'c', { block: 30 })).toEqual([]);
  });

  it('xautoclaim hands entries idle long enough to another consumer, and reports deleted ones', async () => {
    const repo = ctx.repo();
    await repo.xgroupCreate('q', 'g', '0', { mkStream: true });
    const ids = [];
    for (let n = 1; n <= 3; n++) ids.push((await xadd(ctx, 'q', { n })) as string);
    await repo.xreadgroup('q', 'g', 'dead-station');
    expect((await repo.xautoclaim('q', 'g', 'reaper', '10s')).entries).toEqual([]);
    await repo.xdel('q', ids[2] as string);
    await ctx.advanceTime(80);
    const idle = await repo.xpending('q', 'g', { count: 10, minIdle: 50 });
    expect(idle.map((p) => p.id)).toEqual(ids);
    expect(idle.every((p) => p.idleMs >= 50)).toBe(true);
    const first = await repo.xautoclaim('q', 'g', 'reaper', 50, { count: 1 });
    expect(first.entries).toEqual([{ id: ids[0], fields: ctx.fields({ n: 1 }) }]);
    expect(first.next).toBe(ids[1]);
    const rest = await repo.xautoclaim('q', 'g', 'reaper', 50, { start: first.next });
    expect(rest).toEqual({
      next: '0-0',
      entries: [{ id: ids[1], fields: ctx.fields({ n: 2 }) }],
      deleted: [ids[2]],
    });
    const pending = await repo.xpending('q', 'g', { count: 10 });
    expect(pending.map(({ id, consumer, deliveries }) => ({ id, consumer, deliveries }))).toEqual([
      { id: ids[0], consumer: 'reaper', deliveries: 2 },
      { id: ids[1], consumer: 'reaper', deliveries: 2 },
    ]);
    // Just claimed: not idle any more.
    expect((await repo.xautoclaim('q', 'g', 'other', 50)).entries).toEqual([]);
  });

  it('streams are a key type: scan filters them, other commands meet WRONGTYPE', async () => {
    const repo = ctx.repo();
    await xadd(ctx, 's', { n: 1 });
    await repo.set('k', ctx.value(1));
    expect(await scannedKeys(repo.scan('*', { type: 'stream' }))).toEqual(['s']);
    await expect(xadd(ctx, 'k', { n: 1 })).rejects.toMatchObject({ code: 'E_WRONG_TYPE' });
    await expect(repo.get('s')).rejects.toMatchObject({ code: 'E_WRONG_TYPE' });
  });

  it('refuses bad IDs, names and options before sending anything', async () => {
    const repo = ctx.repo();
    const invalid = { code: 'E_INVALID_ARGUMENT' };
    await expect(repo.xadd('s', {})).rejects.toMatchObject(invalid);
    await expect(repo.xadd('s', { n: 1 }, { id: 'abc' })).rejects.toMatchObject(invalid);
    await expect(repo.xadd('s', { n: 1 }, { maxLen: -1 })).rejects.toMatchObject(invalid);
    await expect(repo.xtrim('s', { maxLen: 1, minId: '1-0' })).rejects.toMatchObject(invalid);
    await expect(repo.xrange('s', 'x')).rejects.toMatchObject(invalid);
    await expect(repo.xread('s', '>')).rejects.toMatchObject(invalid);
    await expect(repo.xreadgroup('s', '', 'c')).rejects.toMatchObject(invalid);
    await expect(repo.xreadgroup('s', 'g', 'c', { count: 0 })).rejects.toMatchObject(invalid);
    await expect(repo.xack('s', 'g')).rejects.toMatchObject(invalid);
    await expect(repo.xautoclaim('s', 'g', 'c', -1)).rejects.toMatchObject(invalid);
    await expect(repo.xread('s', '0', { block: Number.NaN })).rejects.toMatchObject(invalid);
    expect(await repo.exists('s')).toBe(false);
  });
}
