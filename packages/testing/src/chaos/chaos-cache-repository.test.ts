import {
  CacheError,
  CacheTimeoutError,
  CacheUnavailableError,
  isCacheError,
  seededRandom,
} from '@forno/core';
import { REPOSITORY_COMMANDS as COMMAND_NAMES } from '@forno/core/backend';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InMemoryCacheRepository } from '../in-memory/in-memory-cache-repository.js';
import { ChaosCacheRepository } from './chaos-cache-repository.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Runs `n` gets and reports which ones failed, and with which error code. */
async function outcomes(chaos: ChaosCacheRepository, n: number): Promise<string[]> {
  const result: string[] = [];
  for (let i = 0; i < n; i++) {
    result.push(
      await chaos.get(`k${i}`).then(
        () => 'ok',
        (error: unknown) => (isCacheError(error) ? error.code : 'other'),
      ),
    );
  }
  return result;
}

describe('ChaosCacheRepository', () => {
  it('injects the same faults for the same seed, and different ones for another seed', async () => {
    const make = (seed: number) =>
      new ChaosCacheRepository(new InMemoryCacheRepository(), { seed, failureRate: 0.3 });
    const first = await outcomes(make(7), 200);
    const again = await outcomes(make(7), 200);
    const other = await outcomes(make(8), 200);

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    const failed = first.filter((o) => o !== 'ok');
    // 30% of 200, give or take; both default errors appear.
    expect(failed.length).toBeGreaterThan(35);
    expect(failed.length).toBeLessThan(85);
    expect(new Set(failed)).toEqual(new Set(['E_CACHE_UNAVAILABLE', 'E_CACHE_TIMEOUT']));
  });

  it('keeps the sequence when the failure rate changes between calls (four draws per call)', async () => {
    const a = new ChaosCacheRepository(new InMemoryCacheRepository(), { seed: 3, failureRate: 0.5 });
    const b = new ChaosCacheRepository(new InMemoryCacheRepository(), { seed: 3, failureRate: 0.5 });
    await outcomes(a, 10);
    b.failureRate = 0;
    await outcomes(b, 10);
    b.failureRate = 0.5;
    expect(await outcomes(b, 50)).toEqual(await outcomes(a, 50));
  });

  it('forwards everything untouched at failure rate 0', async () => {
    const inner = new InMemoryCacheRepository({ keyPrefix: 'p:' });
    const chaos = new ChaosCacheRepository(inner, { seed: 1 });
    await chaos.set('a', { x: 1 });
    await chaos.hset('h', { f: [1, 2] });
    expect(await inner.get('a')).toEqual({ x: 1 });
    expect(await chaos.hgetall('h')).toEqual({ f: [1, 2] });
    expect(chaos.keyPrefix).toBe('p:');
    expect(chaos.serializer).toBe(inner.serializer);
    expect(chaos.status).toBe('ready');
    expect(chaos.calls()).toBe(3);
    expect(chaos.calls('set')).toBe(1);
    expect(chaos.failures).toBe(0);
  });

  it('fails every call before forwarding it at failure rate 1, and recovers at 0', async () => {
    const inner = new InMemoryCacheRepository();
    const chaos = new ChaosCacheRepository(inner, { seed: 1, failureRate: 1 });
    for (let i = 0; i < 20; i++) {
      const error = await chaos.set(`k${i}`, i).catch((e: unknown) => e);
      expect(CacheUnavailableError.is(error) || CacheTimeoutError.is(error)).toBe(true);
    }
    expect(await inner.exists('k0')).toBe(false);
    expect(chaos.failures).toBe(20);
    chaos.failureRate = 0;
    await expect(chaos.set('k0', 0)).resolves.toBe(true);
  });

  it('applies a failed call first when appliedRate says so (a write that timed out after running)', async () => {
    const inner = new InMemoryCacheRepository();
    const chaos = new ChaosCacheRepository(inner, { seed: 1, failureRate: 1, appliedRate: 1 });
    await expect(chaos.incrby('n', 5)).rejects.toBeInstanceOf(CacheError);
    expect(await inner.get('n')).toBe(5);
  });

  it('only affects the named operations', async () => {
    const chaos = new ChaosCacheRepository(new InMemoryCacheRepository(), {
      seed: 1,
      failureRate: 1,
      operations: ['incrby'],
    });
    await expect(chaos.set('a', 1)).resolves.toBe(true);
    await expect(chaos.incrby('a')).rejects.toBeInstanceOf(CacheError);
    expect(chaos.calls('incrby')).toBe(1);
  });

  it('throws the errors of custom factories', async () => {
    const chaos = new ChaosCacheRepository(new InMemoryCacheRepository(), {
      seed: 1,
      failureRate: 1,
      errors: [(operation) => new Error(`boom in ${operation}`)],
    });
    await expect(chaos.get('a')).rejects.toThrow('boom in get');
  });

  it('delays calls by a seeded latency within the range', async () => {
    vi.useFakeTimers();
    const chaos = new ChaosCacheRepository(new InMemoryCacheRepository(), {
      seed: 5,
      latency: { min: '100ms', max: '200ms' },
    });
    let settled = false;
    const pending = chaos.set('a', 1).then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(101);
    await pending;
    expect(settled).toBe(true);
    chaos.latency = 0;
    expect(chaos.latency).toEqual({ minMs: 0, maxMs: 0 });
  });

  it('strikes scan when its iteration starts', async () => {
    const inner = new InMemoryCacheRepository();
    await inner.set('a', 1);
    const chaos = new ChaosCacheRepository(inner, { seed: 1, failureRate: 1 });
    const iterator = chaos.scan('*')[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toBeInstanceOf(CacheError);
    chaos.failureRate = 0;
    const keys: string[] = [];
    for await (const key of chaos.scan('*')) keys.push(key);
    expect(keys).toEqual(['a']);
  });

  it('has every method of a repository', () => {
    const chaos = new ChaosCacheRepository(new InMemoryCacheRepository(), { seed: 1 });
    const inner = InMemoryCacheRepository.prototype as unknown as Record<string, unknown>;
    for (const name of COMMAND_NAMES) {
      expect(typeof inner[name], name).toBe('function');
      expect(typeof (chaos as unknown as Record<string, unknown>)[name], name).toBe('function');
      expect(((chaos as unknown as Record<string, { name: string }>)[name] ?? { name: '' }).name).toBe(name);
    }
  });

  it('rejects bad options with InvalidConfigError naming the field', () => {
    const inner = new InMemoryCacheRepository();
    const make = (options: unknown) => () =>
      new ChaosCacheRepository(inner, options as ConstructorParameters<typeof ChaosCacheRepository>[1]);
    expect(make({ seed: Number.NaN })).toThrow(expect.objectContaining({ argument: 'options.seed' }));
    expect(make({ seed: 1, failureRate: 2 })).toThrow(expect.objectContaining({ code: 'E_INVALID_CONFIG' }));
    expect(make({ seed: 1, latency: { min: '2s', max: '1s' } })).toThrow(/min <= max/);
    expect(make({ seed: 1, errors: [] })).toThrow(expect.objectContaining({ argument: 'options.errors' }));
    expect(make({ seed: 1, fialureRate: 1 })).toThrow(
      expect.objectContaining({ argument: 'options.fialureRate' }),
    );
    expect(() => new ChaosCacheRepository({} as never, { seed: 1 })).toThrow(/CacheRepository/);
  });
});

describe('seededRandom', () => {
  it('is reproducible and within [0, 1)', () => {
    const a = seededRandom(123);
    const b = seededRandom(123);
    const values = Array.from({ length: 1_000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1_000 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  });
});
