import { describe, expect, it, vi } from 'vitest';
import { CacheTimeoutError, InvalidArgumentError } from '../errors.js';
import { type CacheEvent, CacheEventEmitter } from '../instrumentation.js';
import type { Serializer } from '../serializer.js';
import { BaseCacheRepository } from './base-cache-repository.js';
import { COMMAND_NAMES, commandRow } from './command-table.js';
import { instrumentRawCommands, RAW_OPERATIONS } from './instrument-raw-commands.js';
import type { RawCommands, RawValue } from './raw-commands.js';

/** Every raw command of the table: a function that fails unless a test gives it a body. */
function rawCommands(overrides: Partial<Record<keyof RawCommands, unknown>> = {}): RawCommands {
  const raw: Record<string, unknown> = {};
  for (const name of COMMAND_NAMES.flatMap((command) => commandRow(command).raw)) {
    raw[name] = async () => {
      throw new Error(`${name} not faked`);
    };
  }
  return Object.assign(raw, overrides) as unknown as RawCommands;
}

/** A few raw commands over a Map: enough to observe what the instrumentation reports. */
function mapBackend() {
  const data = new Map<string, RawValue>();
  const hashes = new Map<string, Array<readonly [string, RawValue]>>();
  const raw = rawCommands({
    get: async (key: string) => data.get(key) ?? null,
    set: async (key: string, value: RawValue) => {
      data.set(key, value);
      return true;
    },
    mget: async (keys: readonly string[]) => keys.map((key) => data.get(key) ?? null),
    hget: async (key: string, field: string) =>
      hashes.get(key)?.find(([name]) => name === field)?.[1] ?? null,
    hgetall: async (key: string) => hashes.get(key) ?? [],
    zrange: async () => ['"a"'],
    incrby: async () => {
      throw new CacheTimeoutError('timed out');
    },
    hdel: async () => {
      throw new TypeError('not a cache error');
    },
    lpush: () => {
      throw new CacheTimeoutError('thrown synchronously');
    },
    scan: async function* () {
      yield ['a', 'b'];
      yield ['c'];
    },
    ping: async () => undefined,
  });
  return { data, hashes, raw };
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
  const backend = mapBackend();
  const emitter = new CacheEventEmitter();
  const events: CacheEvent[] = [];
  const raw = instrumentRawCommands(backend.raw, emitter, { now: steppingClock() });
  emitter.onEvent((event) => events.push(event));
  return { ...backend, raw, emitter, events };
}

const json: Serializer = {
  name: 'json',
  format: 'text',
  serialize: (value) => JSON.stringify(value),
  deserialize: (data) => JSON.parse(String(data)),
};

/** A repository over instrumented raw commands, as a backend with `enableMetrics: true` builds it. */
class Repository extends BaseCacheRepository {
  constructor(raw: RawCommands) {
    super(raw, { serializer: json });
  }
  readonly status = 'ready' as const;
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
}

describe('instrumentRawCommands', () => {
  it('reports hit and miss for single-key reads, with the duration', async () => {
    const { raw, events } = setUp();
    await raw.set('a', '1', {});
    expect(await raw.get('a')).toBe('1');
    expect(await raw.get('b')).toBeNull();
    expect(events).toEqual([
      { type: 'operation', operation: 'set', outcome: 'ok', durationMs: 5 },
      { type: 'operation', operation: 'get', outcome: 'hit', durationMs: 5 },
      { type: 'operation', operation: 'get', outcome: 'miss', durationMs: 5 },
    ]);
  });

  it('reports hget by value and hgetall by emptiness', async () => {
    const { hashes, raw, events } = setUp();
    hashes.set('h', [['f', '1']]);
    await raw.hget('h', 'f');
    await raw.hget('h', 'g');
    await raw.hgetall('h');
    await raw.hgetall('missing');
    expect(events.map((e) => e.type === 'operation' && `${e.operation}:${e.outcome}`)).toEqual([
      'hget:hit',
      'hget:miss',
      'hgetall:hit',
      'hgetall:miss',
    ]);
  });

  it('counts mget hits and misses per key', async () => {
    const { data, raw, events } = setUp();
    data.set('a', '1');
    data.set('c', '3');
    expect(await raw.mget(['a', 'b', 'c', 'd', 'e'])).toEqual(['1', null, '3', null, null]);
    expect(events).toEqual([
      { type: 'operation', operation: 'mget', outcome: 'ok', durationMs: 5, hits: 2, misses: 3 },
    ]);
  });

  it('reports failures with the CacheError, and rethrows them unchanged', async () => {
    const { raw, events } = setUp();
    const timeout = await raw.incrby('n', 1).catch((error: unknown) => error);
    expect(CacheTimeoutError.is(timeout)).toBe(true);
    await expect(raw.hdel('h', ['f'])).rejects.toThrow(TypeError);
    expect(() => raw.lpush('l', ['1'])).toThrow('thrown synchronously');
    expect(events).toEqual([
      { type: 'operation', operation: 'incrby', outcome: 'error', durationMs: 5, error: timeout },
      // Not a CacheError: reported without one (metrics file it under an unknown code).
      { type: 'operation', operation: 'hdel', outcome: 'error', durationMs: 5 },
      expect.objectContaining({ operation: 'lpush', outcome: 'error' }),
    ]);
  });

  it('times a scan over the whole iteration, also when the consumer stops early', async () => {
    const { raw, events } = setUp();
    const all: unknown[] = [];
    for await (const batch of raw.scan('*', 10, undefined)) all.push(...batch);
    expect(all).toEqual(['a', 'b', 'c']);
    for await (const _ of raw.scan('*', 10, undefined)) break;
    expect(events).toEqual([
      { type: 'operation', operation: 'scan', outcome: 'ok', durationMs: 5 },
      { type: 'operation', operation: 'scan', outcome: 'ok', durationMs: 5 },
    ]);
  });

  it('reports a scan that fails as an error', async () => {
    const emitter = new CacheEventEmitter();
    const events: CacheEvent[] = [];
    emitter.onEvent((event) => events.push(event));
    const raw = instrumentRawCommands(
      rawCommands({
        scan: async function* () {
          yield ['a'];
          throw new CacheTimeoutError('scan timed out');
        },
      }),
      emitter,
    );
    await expect(async () => {
      for await (const _ of raw.scan('*', 10, undefined)) {
        // drain
      }
    }).rejects.toThrow('scan timed out');
    expect(events).toMatchObject([{ operation: 'scan', outcome: 'error' }]);
  });

  it('does not time health checks such as ping', async () => {
    const { raw, events } = setUp();
    await raw.ping();
    expect(events).toEqual([]);
  });

  it('calls straight through without reading the clock while nobody listens', async () => {
    const { raw: backend } = mapBackend();
    const now = vi.fn(() => 0);
    const raw = instrumentRawCommands(backend, new CacheEventEmitter(), { now });
    await raw.set('a', '1', {});
    expect(await raw.get('a')).toBe('1');
    expect(now).not.toHaveBeenCalled();
  });

  it('leaves the backend untouched, and the repository runs its prototype methods', async () => {
    const { raw: backend } = mapBackend();
    const get = backend.get;
    const { raw, events } = setUp();
    const repository = new Repository(raw);
    expect(backend.get).toBe(get);
    expect(Object.hasOwn(repository, 'get')).toBe(false);
    expect(repository.get).toBe(BaseCacheRepository.prototype.get);
    await repository.set('k', { a: 1 });
    expect(await repository.get('k')).toEqual({ a: 1 });
    expect(events.map((e) => e.type === 'operation' && `${e.operation}:${e.outcome}`)).toEqual([
      'set:ok',
      'get:hit',
    ]);
  });

  it('reports a repository command by the raw commands it sends', async () => {
    const { raw, events } = setUp();
    const repository = new Repository(raw);
    await repository.zrevrange('z', 0, -1);
    // `zrevrange` sends the raw `zrange` (reversed): one round trip, reported as `zrange`.
    expect(events.map((e) => e.type === 'operation' && e.operation)).toEqual(['zrange']);
  });

  it('names each raw command after the first command of the table that sends it', () => {
    expect(RAW_OPERATIONS.get('get')).toEqual({ operation: 'get', kind: 'read' });
    expect(RAW_OPERATIONS.get('mget')).toEqual({ operation: 'mget', kind: 'multiRead' });
    expect(RAW_OPERATIONS.get('hgetall')).toEqual({ operation: 'hgetall', kind: 'hashRead' });
    expect(RAW_OPERATIONS.get('scan')).toEqual({ operation: 'scan', kind: 'iterate' });
    expect(RAW_OPERATIONS.get('unlink')).toEqual({ operation: 'delete', kind: 'command' });
    expect(RAW_OPERATIONS.get('pexpire')).toEqual({ operation: 'expire', kind: 'command' });
    expect(RAW_OPERATIONS.get('pttl')).toEqual({ operation: 'ttl', kind: 'command' });
    expect(RAW_OPERATIONS.get('zrangeWithScores')).toEqual({ operation: 'zrange', kind: 'command' });
    expect(RAW_OPERATIONS.has('ping')).toBe(false);
    expect(RAW_OPERATIONS.has('flushdb')).toBe(false);
  });

  it('rejects what is not a backend, and a clock that is not a function, naming the argument', () => {
    const emitter = new CacheEventEmitter();
    for (const bad of [null, undefined, 'redis', 42]) {
      expect(() => instrumentRawCommands(bad as never, emitter)).toThrow(
        expect.objectContaining({ code: 'E_INVALID_ARGUMENT', argument: 'raw' }),
      );
    }
    expect(() => instrumentRawCommands({} as never, emitter)).toThrow(InvalidArgumentError);
    expect(() => instrumentRawCommands(rawCommands(), emitter, { now: 5 as never })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT', argument: 'options.now' }),
    );
  });
});
