import { describe, expect, it, vi } from 'vitest';
import { CacheTimeoutError, InvalidArgumentError } from '../errors.js';
import { type CacheEvent, CacheEventEmitter } from '../instrumentation.js';
import { BaseCacheRepository } from './base-cache-repository.js';
import type { CacheRepository } from './cache-repository.js';
import { INSTRUMENTED_OPERATIONS, instrumentRepository } from './instrument-repository.js';

/** A few repository methods over a Map: enough to observe what the wrappers report. */
class FakeRepository {
  readonly data = new Map<string, unknown>();
  readonly hashes = new Map<string, Record<string, unknown>>();

  async get(key: string): Promise<unknown> {
    return this.data.get(key) ?? null;
  }

  async set(key: string, value: unknown): Promise<boolean> {
    this.data.set(key, value);
    return true;
  }

  async mget(keys: readonly string[]): Promise<unknown[]> {
    return keys.map((key) => this.data.get(key) ?? null);
  }

  async hget(key: string, field: string): Promise<unknown> {
    return this.hashes.get(key)?.[field] ?? null;
  }

  async hgetall(key: string): Promise<Record<string, unknown>> {
    return this.hashes.get(key) ?? {};
  }

  async zrange(): Promise<unknown[]> {
    return ['a'];
  }

  async zrevrange(): Promise<unknown[]> {
    return this.zrange();
  }

  async incrby(): Promise<number> {
    throw new CacheTimeoutError('timed out');
  }

  async hdel(): Promise<number> {
    throw new TypeError('not a cache error');
  }

  lpush(): Promise<number> {
    throw new CacheTimeoutError('thrown synchronously');
  }

  async *scan(): AsyncGenerator<string, void, undefined> {
    yield 'a';
    yield 'b';
    yield 'c';
  }

  async ping(): Promise<number> {
    return 0;
  }
}

/** A clock that advances 5 ms on every read, so durations are exact. */
function steppingClock(): () => number {
  let t = 0;
  return () => {
    t += 5;
    return t;
  };
}

function setUp() {
  const fake = new FakeRepository();
  const repo = fake as unknown as CacheRepository & FakeRepository;
  const emitter = new CacheEventEmitter();
  const events: CacheEvent[] = [];
  const restore = instrumentRepository(repo, emitter, { now: steppingClock() });
  emitter.onEvent((event) => events.push(event));
  return { fake, repo, emitter, events, restore };
}

describe('instrumentRepository', () => {
  it('reports hit and miss for single-key reads, with the duration', async () => {
    const { repo, events } = setUp();
    await repo.set('a', 1);
    expect(await repo.get('a')).toBe(1);
    expect(await repo.get('b')).toBeNull();
    expect(events).toEqual([
      { type: 'operation', operation: 'set', outcome: 'ok', durationMs: 5 },
      { type: 'operation', operation: 'get', outcome: 'hit', durationMs: 5 },
      { type: 'operation', operation: 'get', outcome: 'miss', durationMs: 5 },
    ]);
  });

  it('reports hget by value and hgetall by emptiness', async () => {
    const { fake, repo, events } = setUp();
    fake.hashes.set('h', { f: 1 });
    await repo.hget('h', 'f');
    await repo.hget('h', 'g');
    await repo.hgetall('h');
    await repo.hgetall('missing');
    expect(events.map((e) => e.type === 'operation' && `${e.operation}:${e.outcome}`)).toEqual([
      'hget:hit',
      'hget:miss',
      'hgetall:hit',
      'hgetall:miss',
    ]);
  });

  it('counts mget hits and misses per key', async () => {
    const { fake, repo, events } = setUp();
    fake.data.set('a', 1);
    fake.data.set('c', 3);
    expect(await repo.mget(['a', 'b', 'c', 'd', 'e'])).toEqual([1, null, 3, null, null]);
    expect(events).toEqual([
      { type: 'operation', operation: 'mget', outcome: 'ok', durationMs: 5, hits: 2, misses: 3 },
    ]);
  });

  it('reports failures with the CacheError, and rethrows them unchanged', async () => {
    const { repo, events } = setUp();
    const timeout = await repo.incrby('n').catch((error: unknown) => error);
    expect(CacheTimeoutError.is(timeout)).toBe(true);
    await expect(repo.hdel('h', 'f')).rejects.toThrow(TypeError);
    expect(() => repo.lpush('l', 1)).toThrow('thrown synchronously');
    expect(events).toEqual([
      { type: 'operation', operation: 'incrby', outcome: 'error', durationMs: 5, error: timeout },
      // Not a CacheError: reported without one (metrics file it under an unknown code).
      { type: 'operation', operation: 'hdel', outcome: 'error', durationMs: 5 },
      expect.objectContaining({ operation: 'lpush', outcome: 'error' }),
    ]);
  });

  it('counts a method that another one calls synchronously only once', async () => {
    const { repo, events } = setUp();
    await repo.zrevrange('z', 0, -1);
    await repo.zrange('z', 0, -1);
    expect(events.map((e) => e.type === 'operation' && e.operation)).toEqual(['zrevrange', 'zrange']);
  });

  it('times a scan over the whole iteration, also when the consumer stops early', async () => {
    const { repo, events } = setUp();
    const all: string[] = [];
    for await (const key of repo.scan('*')) all.push(key);
    expect(all).toEqual(['a', 'b', 'c']);
    for await (const _ of repo.scan('*')) break;
    expect(events).toEqual([
      { type: 'operation', operation: 'scan', outcome: 'ok', durationMs: 5 },
      { type: 'operation', operation: 'scan', outcome: 'ok', durationMs: 5 },
    ]);
  });

  it('reports a scan that fails as an error', async () => {
    class FailingScan extends FakeRepository {
      override async *scan(): AsyncGenerator<string, void, undefined> {
        yield 'a';
        throw new CacheTimeoutError('scan timed out');
      }
    }
    const repo = new FailingScan() as unknown as CacheRepository;
    const emitter = new CacheEventEmitter();
    const events: CacheEvent[] = [];
    emitter.onEvent((event) => events.push(event));
    instrumentRepository(repo, emitter);
    await expect(async () => {
      for await (const _ of repo.scan()) {
        // drain
      }
    }).rejects.toThrow('scan timed out');
    expect(events).toMatchObject([{ operation: 'scan', outcome: 'error' }]);
  });

  it('does not time lifecycle methods such as ping', async () => {
    const { repo, events } = setUp();
    await repo.ping();
    expect(events).toEqual([]);
  });

  it('calls straight through without reading the clock while nobody listens', async () => {
    const repo = new FakeRepository() as unknown as CacheRepository;
    const emitter = new CacheEventEmitter();
    const now = vi.fn(() => 0);
    instrumentRepository(repo, emitter, { now });
    await repo.set('a', 1);
    expect(await repo.get('a')).toBe(1);
    expect(now).not.toHaveBeenCalled();
  });

  it('wraps only the instance: the prototype and other instances stay untouched', async () => {
    const prototypeGet = FakeRepository.prototype.get;
    const { repo, restore } = setUp();
    const other = new FakeRepository();
    expect(repo.get).not.toBe(prototypeGet);
    expect(FakeRepository.prototype.get).toBe(prototypeGet);
    expect(other.get).toBe(prototypeGet);
    restore();
    expect(repo.get).toBe(prototypeGet);
    expect(Object.getOwnPropertyNames(repo)).toEqual(['data', 'hashes']);
  });

  it('refuses to instrument an instance twice, until the first instrumentation is removed', () => {
    const { repo, emitter, restore } = setUp();
    expect(() => instrumentRepository(repo, emitter)).toThrow(InvalidArgumentError);
    restore();
    expect(() => instrumentRepository(repo, emitter)).not.toThrow();
  });

  it('rejects what is not a repository, and a clock that is not a function, naming the argument', () => {
    const emitter = new CacheEventEmitter();
    for (const bad of [null, undefined, 'redis', 42]) {
      expect(() => instrumentRepository(bad as never, emitter)).toThrow(
        expect.objectContaining({ code: 'E_INVALID_ARGUMENT', argument: 'repository' }),
      );
    }
    const repo = new FakeRepository() as unknown as CacheRepository;
    expect(() => instrumentRepository(repo, emitter, { now: 5 as never })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT', argument: 'options.now' }),
    );
    // Nothing was wrapped by the refused call: the instance can still be instrumented.
    expect(Object.getOwnPropertyNames(repo)).toEqual(['data', 'hashes']);
    expect(() => instrumentRepository(repo, emitter)).not.toThrow();
  });

  it('says why it refuses a second instrumentation', () => {
    const { repo, emitter } = setUp();
    expect(() => instrumentRepository(repo, emitter)).toThrow(/already instrumented/);
  });

  it('removing the instrumentation restores the original methods and allows a new one', async () => {
    const { repo, restore, events } = setUp();
    restore();
    expect(Object.getOwnPropertyNames(repo)).toEqual(['data', 'hashes']);
    await repo.get('k');
    expect(events).toEqual([]);
  });

  it('lists exactly the data operations BaseCacheRepository implements', () => {
    const methods = new Set(
      Object.getOwnPropertyNames(BaseCacheRepository.prototype).filter((name) => name !== 'constructor'),
    );
    for (const name of Object.keys(INSTRUMENTED_OPERATIONS)) expect(methods.has(name), name).toBe(true);
    const lifecycle = ['ping', 'flushdb', 'connect', 'disconnect', 'status'];
    const left = [...methods].filter(
      (name) => !(name in INSTRUMENTED_OPERATIONS) && !lifecycle.includes(name),
    );
    expect(left).toEqual([]);
  });
});
