import { CrossSlotError, defineScript, InvalidArgumentError, ScriptError } from '@forno/core';
import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';

/**
 * Scripts (`defineScript` / `runScript`): prefixes, the values path, Redis' Lua → reply
 * conversion, typed script errors, the `NOSCRIPT` → `EVAL` fallback, atomicity and bad input. The
 * values test runs with every serializer; the others do not depend on it and run once per backend
 * (with JSON), so real servers pay for them once. Keys share the `{k}` hash tag (Cluster).
 */
export function scriptContract(ctx: ContractContext): void {
  it('values declared in the definition go through the serializer, both ways', async () => {
    const repo = ctx.repo();
    const moveOrder = defineScript({
      keys: ['queue', 'processing'],
      args: ['id', 'stamp'],
      values: ['stamp'],
      reply: 'value',
      source: `
        local order = redis.call('LPOP', KEYS[1])
        if not order then return false end
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
        return {order, redis.call('HGET', KEYS[2], ARGV[1])}`,
    });
    const order = ctx.value({ id: 'o1', pizza: 'margherita', price: 9.5 });
    const stamp = ctx.value({ station: 'oven-1', at: 1700000000000 });
    await repo.rpush('{k}:queue', order);
    const keys = { queue: '{k}:queue', processing: '{k}:processing' };
    expect(await moveOrder.run(repo, keys, { id: 'o1', stamp })).toEqual([order, stamp]);
    expect(await repo.hgetall('{k}:processing')).toEqual({ o1: stamp });
    expect(await moveOrder.run(repo, keys, { id: 'o2', stamp })).toBeNull();
  });

  if (ctx.serializer.name !== 'json') return;

  it('keys get the prefix; raw arguments and replies follow the Lua → Redis conversion rules', async () => {
    const repo = ctx.repo();
    const convert = defineScript({
      keys: ['a'],
      args: ['text', 'number'],
      readOnly: true,
      source: `return {KEYS[1], ARGV[1], ARGV[2], 3.99, -2.5, true, false, {1, {'nested'}}, redis.status_reply('FINE'), nil, 'after nil'}`,
    });
    expect(await convert.run(repo, { a: '{k}:a' }, { text: 'é 🍕 \u0000 x', number: 2.5 })).toEqual([
      `${ctx.prefix()}{k}:a`,
      'é 🍕 \u0000 x',
      '2.5',
      3,
      -2,
      1,
      null,
      [1, ['nested']],
      'FINE',
    ]);
    const scalar = (source: string) => defineScript({ source }).run(repo, {}, {});
    expect(await scalar('return false')).toBeNull();
    expect(await scalar('return 10 / 4')).toBe(2);
    expect(await scalar('return {unpack({1, 2})}')).toEqual([1, 2]);
    expect(await scalar('return #KEYS + #ARGV')).toBe(0);
  });

  it('redis.call sees the repository’s data and types; its replies reach Lua as Redis gives them', async () => {
    const repo = ctx.repo();
    await repo.zadd('{k}:board', [
      { member: ctx.value('a'), score: 1 },
      { member: ctx.value('b'), score: 2.5 },
    ]);
    await repo.hset('{k}:hash', { f: ctx.value(1) });
    const inspect = defineScript({
      keys: ['board', 'hash', 'counter', 'missing'],
      source: `
        redis.call('INCRBY', KEYS[3], 41)
        return {
          redis.call('ZSCORE', KEYS[1], '"b"'),
          redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES'),
          redis.call('TYPE', KEYS[2])['ok'],
          redis.call('HEXISTS', KEYS[2], 'f'),
          redis.call('INCR', KEYS[3]),
          redis.call('GET', KEYS[4]) == false and 'nil is false' or 'nil is not false',
          redis.call('EXISTS', KEYS[1], KEYS[2], KEYS[4]),
          tostring(redis.call('SET', KEYS[4], 'v', 'PX', 60000)['ok']),
          redis.call('PTTL', KEYS[4]) > 0 and 'has ttl' or 'no ttl',
        }`,
    });
    const keys = { board: '{k}:board', hash: '{k}:hash', counter: '{k}:counter', missing: '{k}:missing' };
    expect(await inspect.run(repo, keys, {})).toEqual([
      '2.5',
      ['"a"', '1', '"b"', '2.5'],
      'hash',
      1,
      42,
      'nil is false',
      2,
      'OK',
      'has ttl',
    ]);
    expect(await repo.incrby('{k}:counter', 0)).toBe(42);
  });

  it('numbers passed to redis.call are written as Redis 7 writes them (%.17g)', async () => {
    const repo = ctx.repo();
    const write = defineScript({
      keys: ['half', 'sum', 'big'],
      source: `
        redis.call('SET', KEYS[1], 10 / 2)
        redis.call('SET', KEYS[2], 0.1 + 0.2)
        redis.call('SET', KEYS[3], 2 ^ 40)
        return {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3])}`,
    });
    expect(await write.run(repo, { half: '{k}:half', sum: '{k}:sum', big: '{k}:big' }, {})).toEqual([
      '5',
      '0.30000000000000004',
      '1099511627776',
    ]);
  });

  it('a failing script rejects with ScriptError carrying the server’s message; pcall returns the error', async () => {
    const repo = ctx.repo();
    await repo.set('{k}:string', ctx.value('text'));
    const run = (source: string) => defineScript({ keys: ['s'], source }).run(repo, { s: '{k}:string' }, {});
    const failure = async (source: string) => {
      const error = await run(source).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(ScriptError.is(error)).toBe(true);
      expect((error as ScriptError).code).toBe('E_SCRIPT');
      return (error as Error).message;
    };
    expect(await failure("return redis.error_reply('MY_ERR the oven is cold')")).toContain(
      'MY_ERR the oven is cold',
    );
    expect(await failure("return redis.call('LPUSH', KEYS[1], 'x')")).toContain('WRONGTYPE');
    expect(await failure("return redis.call('INCR', KEYS[1])")).toContain('not an integer');
    expect(await failure('return nil + 1')).toMatch(/arithmetic/);
    expect(await failure('return (')).toMatch(/compil/i);
    expect(await run("return redis.pcall('INCR', KEYS[1])['err']")).toContain('not an integer');
    expect(await repo.get('{k}:string')).toEqual(ctx.value('text'));
  });

  it('falls back to EVAL when the server does not know the script (NOSCRIPT), also after a flush', async () => {
    const repo = ctx.repo();
    const counter = defineScript({
      keys: ['n'],
      // A source of this test only: the first run is always a NOSCRIPT miss, then an EVALSHA hit.
      source: `-- ${ctx.prefix()}\nreturn redis.call('INCR', KEYS[1])`,
    });
    expect(await counter.run(repo, { n: '{k}:n' }, {})).toBe(1);
    expect(await counter.run(repo, { n: '{k}:n' }, {})).toBe(2);
    if (ctx.flushScripts !== undefined) {
      await ctx.flushScripts();
      expect(await counter.run(repo, { n: '{k}:n' }, {})).toBe(3);
      expect(await counter.run(repo, { n: '{k}:n' }, {})).toBe(4);
    }
  });

  it('runs atomically: concurrent read-modify-write scripts lose no update', async () => {
    const repo = ctx.repo();
    const addOne = defineScript({
      keys: ['n'],
      source: `
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        redis.call('SET', KEYS[1], current + 1)
        return current + 1`,
    });
    const results = await Promise.all(Array.from({ length: 25 }, () => addOne.run(repo, { n: '{k}:n' }, {})));
    expect([...results].sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
  });

  it('bad input rejects with InvalidArgumentError before anything is sent', async () => {
    const repo = ctx.repo();
    const write = defineScript({
      keys: ['k'],
      args: ['v'],
      source: "return redis.call('SET', KEYS[1], ARGV[1])",
    });
    const rejects = (promise: Promise<unknown>) =>
      expect(promise).rejects.toBeInstanceOf(InvalidArgumentError);
    await rejects(write.run(repo, {} as never, { v: 'x' }));
    await rejects(write.run(repo, { k: '' }, { v: 'x' }));
    await rejects(write.run(repo, { k: '{k}:w' }, {} as never));
    await rejects(write.run(repo, { k: '{k}:w' }, { v: { not: 'declared as a value' } }));
    await rejects(write.run(repo, { k: '{k}:w' }, { v: Number.NaN }));
    await rejects(repo.runScript({ source: 'return 1' } as never));
    expect(() => defineScript({ source: ' ' })).toThrow(InvalidArgumentError);
    expect(await repo.exists('{k}:w')).toBe(false);
  });

  it('keys in several hash slots: CrossSlotError on Cluster before sending, a normal run elsewhere', async () => {
    const repo = ctx.repo();
    const pair = defineScript({
      keys: ['a', 'b'],
      source: "redis.call('SET', KEYS[1], 1) redis.call('SET', KEYS[2], 2) return 2",
    });
    const run = pair.run(repo, { a: '{k}:a', b: '{other}:b' }, {});
    if (ctx.cluster) {
      await expect(run).rejects.toBeInstanceOf(CrossSlotError);
      expect(await repo.exists('{k}:a')).toBe(false);
    } else {
      expect(await run).toBe(2);
    }
  });
}
