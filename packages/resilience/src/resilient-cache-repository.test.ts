import { CacheTimeoutError, CacheUnavailableError, WrongTypeError } from '@forno/core';
import { InMemoryCacheRepository } from '@forno/testing';
import { describe, expect, it, vi } from 'vitest';
import { resilientFixture } from '../test/resilient-fixture.js';
import { deferred } from '../test/test-helpers.js';
import { ResilientCacheRepository } from './resilient-cache-repository.js';

describe('ResilientCacheRepository: fallback reads', () => {
  it('serves reads from the mirror during an outage, and says so', async () => {
    const { repo, chaos, fallbacks } = resilientFixture();
    await repo.set('menu:m1', { name: 'Margherita' });
    expect(await repo.getWithSource('menu:m1')).toEqual({ value: { name: 'Margherita' }, source: 'redis' });

    chaos.failureRate = 1;
    expect(await repo.get('menu:m1')).toEqual({ name: 'Margherita' });
    expect(await repo.getWithSource('menu:m1')).toEqual({
      value: { name: 'Margherita' },
      source: 'fallback',
    });
    expect(fallbacks()).toHaveLength(2);
    expect(fallbacks()[0]).toMatchObject({ operation: 'get', key: 'menu:m1', hit: true });
    expect(
      CacheUnavailableError.is(fallbacks()[0]?.error) || CacheTimeoutError.is(fallbacks()[0]?.error),
    ).toBe(true);
  });

  it('rejects with the outage error when no copy is kept, and reports the miss', async () => {
    const { repo, chaos, fallbacks } = resilientFixture();
    chaos.failureRate = 1;
    const error = await repo.get('never-read').catch((e: unknown) => e);
    expect(CacheUnavailableError.is(error) || CacheTimeoutError.is(error)).toBe(true);
    expect(fallbacks()).toEqual([
      expect.objectContaining({ operation: 'get', key: 'never-read', hit: false }),
    ]);
  });

  it('keeps results per command and arguments, for every mirrored read', async () => {
    const { repo, chaos } = resilientFixture();
    await repo.hset('cart:1', { pizza: 'margherita', count: 2 });
    await repo.sadd('segment:vip', 'c1');
    await repo.zadd('popular', [
      { member: 'margherita', score: 10 },
      { member: 'diavola', score: 7 },
    ]);
    await repo.rpush('queue', 'a', 'b');
    const reads = async () => ({
      field: await repo.hget('cart:1', 'pizza'),
      hash: await repo.hgetall('cart:1'),
      members: await repo.smembers('segment:vip'),
      top: await repo.zrevrange('popular', 0, 0, { withScores: true }),
      list: await repo.lrange('queue', 0, -1),
      exists: await repo.exists('cart:1'),
    });
    const fresh = await reads();

    chaos.failureRate = 1;
    expect(await repo.withSource(reads)).toEqual({ value: fresh, source: 'fallback' });
    // Another field, other arguments: never read, so not kept.
    await expect(repo.hget('cart:1', 'count')).rejects.toThrow();
    await expect(repo.zrevrange('popular', 0, 1)).rejects.toThrow();
    // ttl is never mirrored: a remaining time is stale the moment it is read.
    await expect(repo.ttl('cart:1')).rejects.toThrow();
  });

  it('answers mget from kept gets only when every key is kept', async () => {
    const { repo, chaos } = resilientFixture();
    await repo.mset({ a: 1, b: 2 });
    expect(await repo.mget(['a', 'b'])).toEqual([1, 2]);
    chaos.failureRate = 1;
    expect(await repo.mget(['a', 'b'])).toEqual([1, 2]);
    expect(await repo.get('b')).toBe(2); // mget results serve get, and the reverse
    await expect(repo.mget(['a', 'c'])).rejects.toThrow(); // a missing key is not a null
  });

  it('never hides errors that are not outages', async () => {
    const { repo, chaos } = resilientFixture({}, { errors: [() => new Error('a bug')] });
    await repo.set('k', 1);
    chaos.failureRate = 1;
    await expect(repo.get('k')).rejects.toThrow('a bug');
    chaos.failureRate = 0;
    await repo.hset('h', 'f', 1);
    await expect(repo.get('h')).rejects.toBeInstanceOf(WrongTypeError);
  });

  it('does not keep misses, and a miss drops the kept copy', async () => {
    const { repo, chaos, backend } = resilientFixture();
    await repo.set('k', 1);
    await backend.delete('k'); // another client deleted it
    expect(await repo.get('k')).toBeNull();
    chaos.failureRate = 1;
    await expect(repo.get('k')).rejects.toThrow();
  });

  it('never lets a slow read put back a value that a write replaced meanwhile', async () => {
    const { repo, chaos, backend } = resilientFixture();
    await backend.set('k', 'old');
    const slow = deferred<unknown>();
    const spy = vi.spyOn(backend, 'get').mockImplementationOnce(() => slow.promise as Promise<never>);
    const read = repo.get('k');
    await repo.set('k', 'new');
    slow.resolve('old');
    expect(await read).toBe('old');
    spy.mockRestore();
    chaos.failureRate = 1;
    expect(await repo.get('k')).toBe('new');
  });

  it('bounds the mirror by max entries and by age', async () => {
    const { repo, chaos, clock } = resilientFixture({ fallback: { max: 2, ttl: '1m' } });
    for (const key of ['a', 'b', 'c']) await repo.set(key, key);
    expect(repo.fallbackSize).toBe(2);
    chaos.failureRate = 1;
    await expect(repo.get('a')).rejects.toThrow(); // evicted, least recently used
    expect(await repo.get('c')).toBe('c');
    clock.advance(60_001);
    await expect(repo.get('c')).rejects.toThrow();
  });

  it('keeps no copy longer than the TTL the value was written with', async () => {
    const { repo, chaos, clock } = resilientFixture();
    await repo.set('session', 's', { ttl: '10s' });
    clock.advance(10_001);
    chaos.failureRate = 1;
    await expect(repo.get('session')).rejects.toThrow();
  });

  it('bounds the mirror by serialized size with maxBytes (maxSize is its old name)', async () => {
    for (const fallback of [{ maxBytes: 30 }, { maxSize: 30 }]) {
      const { repo } = resilientFixture({ fallback });
      await repo.set('small', 'x'); // '"x"' = 3 bytes
      await repo.set('big', 'y'.repeat(100)); // too big to keep at all
      expect(repo.fallbackSize).toBe(1);
      expect(repo.fallbackBytes).toBe(3);
    }
    expect(() => resilientFixture({ fallback: { maxBytes: 30, maxSize: 30 } })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_CONFIG' }),
    );
  });

  it('is bounded by bytes by default (64 MiB), not only by entries: 12 writes of 8 MiB keep at most 8', async () => {
    const { repo, backend } = resilientFixture();
    const big = 'x'.repeat(8 * 1024 * 1024);
    for (let i = 0; i < 12; i++) {
      await repo.set(`big:${i}`, big);
      await backend.delete(`big:${i}`); // the fake's copy is not what is measured here
    }
    expect(repo.fallbackBytes).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(repo.fallbackSize).toBeLessThan(8);
    expect(repo.fallbackSize).toBeGreaterThan(0);
  }, 30_000); // ~100 MB through the serializer and the fake: seconds on a loaded 2-core machine

  it('measures read results too, whatever their shape (a whole hash)', async () => {
    const { repo } = resilientFixture({ fallback: { maxBytes: 1_000 } });
    await repo.hset('small', { a: 1 });
    await repo.hset('large', Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`field${i}`, i])));
    await repo.hgetall('small');
    await repo.hgetall('large'); // ~2 KB: not kept
    expect(repo.fallbackSize).toBe(1);
    expect(repo.fallbackBytes).toBeGreaterThan(0);
    expect(repo.fallbackBytes).toBeLessThan(100);
  });

  it('can be disabled', async () => {
    const { repo, chaos, fallbacks } = resilientFixture({ fallback: false });
    await repo.set('k', 1);
    chaos.failureRate = 1;
    await expect(repo.get('k')).rejects.toThrow();
    expect(fallbacks()).toEqual([]);
    expect(repo.fallbackSize).toBe(0);
  });

  it('tracks the source of concurrent reads separately', async () => {
    const { repo, chaos } = resilientFixture({}, { operations: ['hgetall'] });
    await repo.hset('h', { f: 1 });
    await repo.hgetall('h');
    await repo.set('k', 2);
    chaos.failureRate = 1; // only hgetall fails
    const [stale, fresh] = await Promise.all([
      repo.withSource((r) => r.hgetall('h')),
      repo.withSource((r) => r.get('k')),
    ]);
    expect(stale).toEqual({ value: { f: 1 }, source: 'fallback' });
    expect(fresh).toEqual({ value: 2, source: 'redis' });
  });
});

describe('ResilientCacheRepository: lifecycle and wiring', () => {
  it('forwards keyPrefix, serializer, status, scan and subscribe', async () => {
    const inner = new InMemoryCacheRepository({ keyPrefix: 'mario_pizzeria:' });
    const repo = new ResilientCacheRepository(inner);
    await repo.set('a', 1);
    expect(repo.keyPrefix).toBe('mario_pizzeria:');
    expect(repo.serializer).toBe(inner.serializer);
    expect(repo.status).toBe('ready');
    const keys: string[] = [];
    for await (const key of repo.scan('*')) keys.push(key);
    expect(keys).toEqual(['a']);
    const messages: string[] = [];
    const unsubscribe = await repo.subscribe('ch', (m) => messages.push(m));
    await repo.publish('ch', 'hi');
    await vi.waitFor(() => expect(messages).toEqual(['hi']));
    await unsubscribe();
  });

  it('after disconnect serves no fallback and empties the mirror; connect restores it all', async () => {
    const { repo, backend, fallbacks } = resilientFixture();
    await repo.set('k', 1);
    await repo.disconnect();
    expect(repo.status).toBe('closed');
    expect(repo.fallbackSize).toBe(0);
    await expect(repo.get('k')).rejects.toMatchObject({ code: 'E_CACHE_UNAVAILABLE' });
    expect(fallbacks()).toEqual([]);
    await repo.connect();
    expect(backend.status).toBe('ready');
    expect(await repo.get('k')).toBe(1);
  });

  it('validates its options', () => {
    const inner = new InMemoryCacheRepository();
    const make = (options: unknown) => () =>
      new ResilientCacheRepository(
        inner,
        options as ConstructorParameters<typeof ResilientCacheRepository>[1],
      );
    expect(make({ fallbak: {} })).toThrow(expect.objectContaining({ argument: 'options.fallbak' }));
    expect(make({ breaker: {} })).toThrow(expect.objectContaining({ argument: 'options.breaker' }));
    expect(make({ timeout: '0ms' })).toThrow(expect.objectContaining({ code: 'E_INVALID_CONFIG' }));
    expect(make({ fallback: { max: 0 } })).toThrow(
      expect.objectContaining({ argument: 'options.fallback.max' }),
    );
    expect(make({ fallback: { ttl: 0 } })).toThrow(
      expect.objectContaining({ argument: 'options.fallback.ttl' }),
    );
    expect(make({ fallback: 'yes' })).toThrow(expect.objectContaining({ argument: 'options.fallback' }));
    expect(() => new ResilientCacheRepository(null as never)).toThrow(/CacheRepository/);
  });
});
