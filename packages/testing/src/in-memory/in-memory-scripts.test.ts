import { createHash } from 'node:crypto';
import { CacheUnavailableError, defineScript, ScriptError } from '@forno/core';
import { describe, expect, it } from 'vitest';
import { InMemoryCacheRepository } from './in-memory-cache-repository.js';
import { InMemoryStore } from './in-memory-store.js';
import { ManualClock } from './manual-clock.js';
import { formatLuaNumber } from './scripting/redis-reply.js';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

describe('scripts on the in-memory fake: what only the fake can show', () => {
  it('EVAL caches the script in the store under its SHA1; clearing the cache acts out SCRIPT FLUSH', async () => {
    const store = new InMemoryStore();
    const repo = new InMemoryCacheRepository({ store });
    const script = defineScript({ source: 'return 7' });
    expect(store.scripts.has(script.sha)).toBe(false);
    expect(await script.run(repo, {}, {})).toBe(7);
    expect(store.scripts.get(script.sha)).toBe('return 7');
    store.scripts.clear();
    expect(await script.run(repo, {}, {})).toBe(7);
    expect(store.scripts.has(script.sha)).toBe(true);
  });

  it('a script with a forged SHA1 runs its own source, cached under its real SHA1 (as EVAL does)', async () => {
    const store = new InMemoryStore();
    const repo = new InMemoryCacheRepository({ store });
    const forged = { ...defineScript({ source: 'return 1' }), sha: sha1('return 2') };
    expect(await repo.runScript(forged)).toBe(1);
    expect(store.scripts.get(sha1('return 1'))).toBe('return 1');
    expect(store.scripts.has(sha1('return 2'))).toBe(false);
  });

  it('scripts share the keyspace of repositories on the same store, and nothing interleaves with them', async () => {
    const store = new InMemoryStore();
    const a = new InMemoryCacheRepository({ store, keyPrefix: 'a:' });
    const b = new InMemoryCacheRepository({ store, keyPrefix: 'a:' });
    const double = defineScript({
      keys: ['n'],
      source: `
        local n = tonumber(redis.call('GET', KEYS[1]) or '1')
        redis.call('SET', KEYS[1], n * 2)
        return tonumber(redis.call('GET', KEYS[1]))`,
    });
    await b.incrby('n', 1);
    const [doubled, incremented] = await Promise.all([double.run(a, { n: 'n' }, {}), b.incrby('n', 1)]);
    // Either order is Redis' answer; a half-applied script (2 + 1 then doubled to 6, or 4 read as 3) is not.
    expect([
      [2, 3],
      [4, 2],
    ]).toContainEqual([doubled, incremented]);
  });

  it('TIME follows the store clock; sha1hex and unpack are there as on Redis', async () => {
    const clock = new ManualClock(1_700_000_000_123);
    const repo = new InMemoryCacheRepository({ store: new InMemoryStore({ clock }) });
    const script = defineScript({
      source: "return {redis.call('TIME'), redis.sha1hex('return 1'), unpack({'x', 'y'})}",
    });
    expect(await script.run(repo, {}, {})).toEqual([['1700000000', '123000'], sha1('return 1'), 'x', 'y']);
  });

  it('a command the fake cannot run from a script fails with a ScriptError that names the supported ones', async () => {
    const repo = new InMemoryCacheRepository();
    const error = await defineScript({ source: "return redis.call('OBJECT', 'ENCODING', 'k')" })
      .run(repo, {}, {})
      .catch((caught: unknown) => caught);
    expect(ScriptError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/unknown command 'OBJECT'.*in-memory fake.*HGETALL/);
  });

  it('arguments of the wrong arity or type fail as Redis fails them', async () => {
    const repo = new InMemoryCacheRepository();
    const run = (source: string) =>
      defineScript({ source })
        .run(repo, {}, {})
        .catch((error: Error) => error.message);
    expect(await run("return redis.call('GET')")).toContain("wrong number of arguments for 'get'");
    expect(await run("return redis.call('SET', 'k', 'v', 'EX', 'soon')")).toContain('not an integer');
    expect(await run("return redis.call('GET', {})")).toContain('must be strings or integers');
    expect(await run('return redis.call()')).toContain('at least one argument');
  });

  it('a closed repository rejects with CacheUnavailableError, not a script error', async () => {
    const repo = new InMemoryCacheRepository();
    await repo.disconnect();
    await expect(defineScript({ source: 'return 1' }).run(repo, {}, {})).rejects.toBeInstanceOf(
      CacheUnavailableError,
    );
  });
});

describe('formatLuaNumber', () => {
  it.each([
    [5, '5'],
    [10 / 4, '2.5'],
    [0.1, '0.10000000000000001'],
    [0.1 + 0.2, '0.30000000000000004'],
    [2 ** 40, '1099511627776'],
    [1e20, '1e+20'],
    [1e-5, '1.0000000000000001e-05'],
    [-0, '-0'],
    [Number.POSITIVE_INFINITY, 'inf'],
  ])('writes %s as %s (C printf %%.17g)', (value, text) => {
    expect(formatLuaNumber(value)).toBe(text);
  });
});
