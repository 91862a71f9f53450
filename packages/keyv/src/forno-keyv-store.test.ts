import {
  CacheUnavailableError,
  ForbiddenOperationError,
  InvalidArgumentError,
  SerializationError,
} from '@forno/core';
import { JsonSerializer } from '@forno/serialization';
import { MsgpackSerializer } from '@forno/serialization/msgpack';
import { InMemoryCacheRepository } from '@forno/testing';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { describe, expect, it, vi } from 'vitest';
import { FornoKeyvStore, KeyvStoreError } from './index.js';

function setup(options: { keyPrefix?: string; serializer?: JsonSerializer | MsgpackSerializer } = {}) {
  const repository = new InMemoryCacheRepository({ keyPrefix: options.keyPrefix ?? 'app:', ...options });
  const store = new FornoKeyvStore(repository);
  const errors: KeyvStoreError[] = [];
  store.on('error', (error) => errors.push(error as KeyvStoreError));
  return { repository, store, errors };
}

/** A stored key's remaining TTL in ms, as the repository (Redis `PTTL`) sees it. */
const ttlOf = (repository: InMemoryCacheRepository, key: string) => repository.ttl(key);

describe('FornoKeyvStore: the Keyv store contract', () => {
  it("is a KeyvStoreAdapter that Keyv accepts, and makes Keyv's iterator available", () => {
    const { store } = setup();
    const adapter: KeyvStoreAdapter = store; // compile-time check of the whole store type
    expect(adapter).toBe(store);
    const keyv = new Keyv({ store });
    expect(keyv.store).toBe(store);
    expect(store.namespace).toBe('keyv');
    expect(typeof keyv.iterator).toBe('function');
  });

  it('stores keys as <repository keyPrefix><namespace>:<key>', async () => {
    const { repository, store } = setup({ keyPrefix: 'mario_pizzeria:' });
    const keyv = new Keyv({ store, namespace: 'menu' });
    await keyv.set('margherita', { price: 9 });
    expect(await collect(repository.scan())).toEqual(['menu:margherita']);
  });

  it("scopes keys to the namespace also when Keyv's own prefixing is off (useKeyPrefix: false)", async () => {
    const { repository, store } = setup();
    const keyv = new Keyv({ store, namespace: 'menu', useKeyPrefix: false });
    await keyv.set('margherita', 1);
    expect(await collect(repository.scan())).toEqual(['menu:margherita']);
    expect(await keyv.get('margherita')).toBe(1);
    expect(await keyv.getMany(['margherita', 'diavola'])).toEqual([1, undefined]);
    await keyv.clear();
    expect(await collect(repository.scan())).toEqual([]);
  });

  it('clear() deletes the namespace and nothing else under the same repository prefix', async () => {
    const { repository, store } = setup();
    await repository.set('sessions:c1', { cart: [] });
    await repository.set('menuboard', 'not a Keyv key');
    const menu = new Keyv({ store: new FornoKeyvStore(repository), namespace: 'menu' });
    const other = new Keyv({ store, namespace: 'other' });
    await menu.set('a', 1);
    await menu.set('b*', 2);
    await other.set('a', 3);
    await menu.clear();
    expect((await collect(repository.scan())).sort()).toEqual(['menuboard', 'other:a', 'sessions:c1']);
    expect(await other.get('a')).toBe(3);
  });

  it('clear() without a namespace refuses (ForbiddenOperationError) instead of emptying the repository', async () => {
    const { repository, store, errors } = setup();
    await repository.set('sessions:c1', 'keep me');
    const keyv = new Keyv({ store });
    keyv.namespace = undefined;
    await keyv.set('a', 1);
    await keyv.clear();
    expect(await repository.get('sessions:c1')).toBe('keep me');
    expect(await keyv.get('a')).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.operation).toBe('clear');
    expect(ForbiddenOperationError.is(errors[0]!.cause)).toBe(true);
  });

  it('set with a TTL expires the key in the repository (PX), without one keeps it', async () => {
    const { repository, store } = setup();
    const keyv = new Keyv({ store });
    await keyv.set('short', 1, 60_000);
    await keyv.set('forever', 1);
    await keyv.set('zero', 1, 0);
    const ttl = await ttlOf(repository, 'keyv:short');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await ttlOf(repository, 'keyv:forever')).toBe(-1);
    expect(await ttlOf(repository, 'keyv:zero')).toBe(-1);
  });

  it("setMany writes each entry with its own TTL and reports one boolean per entry (Keyv's default TTL too)", async () => {
    const { repository, store } = setup();
    const keyv = new Keyv({ store, ttl: 120_000 });
    const results = await keyv.setMany([
      { key: 'a', value: 1, ttl: 30_000 },
      { key: 'b', value: 2 },
      { key: 'c', value: 3, ttl: 30_000 },
    ]);
    expect(results).toEqual([true, true, true]);
    expect(await keyv.getMany(['a', 'b', 'c'])).toEqual([1, 2, 3]);
    expect(await ttlOf(repository, 'keyv:a')).toBeLessThanOrEqual(30_000);
    expect(await ttlOf(repository, 'keyv:b')).toBeGreaterThan(30_000);
    expect(await ttlOf(repository, 'keyv:c')).toBeLessThanOrEqual(30_000);
    expect(await store.setMany([])).toEqual([]);
  });

  it('has, hasMany, delete and deleteMany answer per key', async () => {
    const { store } = setup();
    const keyv = new Keyv({ store });
    await keyv.set('a', 1);
    await keyv.set('b', 2);
    expect(await keyv.has('a')).toBe(true);
    expect(await keyv.hasMany(['a', 'x', 'b'])).toEqual([true, false, true]);
    expect(await keyv.delete('a')).toBe(true);
    expect(await keyv.delete('a')).toBe(false);
    expect(await keyv.deleteMany(['x', 'b'])).toBe(true);
    expect(await keyv.deleteMany(['x', 'b'])).toBe(false);
    expect(await store.deleteMany([])).toBe(false);
    expect(await store.getMany([])).toEqual([]);
  });

  it('the iterator yields every string key of the namespace across MGET batches, skipping other types', async () => {
    const { repository, store } = setup();
    const keyv = new Keyv({ store, namespace: 'menu' });
    const entries = Array.from({ length: 250 }, (_, i) => ({ key: `item:${i}`, value: i }));
    await keyv.setMany(entries);
    await repository.hset('menu:a-hash', { field: 1 });
    await new Keyv({ store: new FornoKeyvStore(repository), namespace: 'other' }).set('item:0', 'other');
    const seen = new Map<string, unknown>();
    for await (const [key, value] of keyv.iterator!(undefined)) seen.set(key as string, value);
    expect(seen.size).toBe(250);
    expect(seen.get('item:42')).toBe(42);
  });
});

describe('FornoKeyvStore: who serializes', () => {
  it("by default stores Keyv's serialized text through the repository's serializer", async () => {
    const { repository, store } = setup();
    const keyv = new Keyv({ store });
    await keyv.set('pizza', { name: 'Margherita', price: 9 });
    const stored = await repository.get('keyv:pizza');
    expect(typeof stored).toBe('string');
    expect(JSON.parse(stored as string)).toEqual({ value: { name: 'Margherita', price: 9 } });
    expect(await keyv.get('pizza')).toEqual({ name: 'Margherita', price: 9 });
  });

  it("with Keyv's serializer off, Forno's serializer encodes the entry: MessagePack keeps Date, Map, BigInt", async () => {
    const { repository, store } = setup({ serializer: new MsgpackSerializer() });
    const keyv = withoutKeyvSerialization(new Keyv({ store }));
    const value = { at: new Date(0), tags: new Map([['vegan', true]]), big: 2n ** 70n };
    await keyv.set('pizza', value, 60_000);
    const stored = (await repository.get('keyv:pizza')) as { value: unknown; expires: number };
    expect(stored.value).toEqual(value);
    expect(stored.expires).toBeGreaterThan(Date.now());
    expect(await keyv.get('pizza')).toEqual(value);
    expect((await keyv.getRaw('pizza'))?.expires).toBe(stored.expires);
  });

  it("with Keyv's serializer off and strict JSON, a value JSON cannot carry is a typed error, not a silent change", async () => {
    const { store, errors } = setup({ serializer: new JsonSerializer() });
    const keyv = withoutKeyvSerialization(new Keyv({ store }));
    expect(await keyv.set('pizza', { tags: new Set(['vegan']) })).toBe(false);
    expect(await keyv.get('pizza')).toBeUndefined();
    expect(errors.map((error) => error.operation)).toEqual(['set']);
    expect(SerializationError.is(errors[0]!.cause)).toBe(true);
  });
});

describe('FornoKeyvStore: errors', () => {
  /** Every store operation, run through Keyv as an application would. */
  const OPERATIONS: Record<string, (keyv: Keyv) => Promise<unknown>> = {
    get: (keyv) => keyv.get('a'),
    getMany: (keyv) => keyv.getMany(['a', 'b']),
    set: (keyv) => keyv.set('a', 1),
    setMany: (keyv) => keyv.setMany([{ key: 'a', value: 1 }]),
    delete: (keyv) => keyv.delete('a'),
    deleteMany: (keyv) => keyv.deleteMany(['a', 'b']),
    clear: (keyv) => keyv.clear(),
    has: (keyv) => keyv.has('a'),
    hasMany: (keyv) => keyv.hasMany(['a', 'b']),
    iterator: async (keyv) => {
      for await (const _ of keyv.iterator!(undefined)) {
        // nothing is expected: the iteration fails before its first key
      }
    },
  };

  it.each(Object.keys(OPERATIONS))(
    '%s during an outage: one error event, typed cause, the call resolves',
    async (name) => {
      const { repository, store } = setup();
      const keyv = new Keyv({ store });
      const keyvErrors: unknown[] = [];
      keyv.on('error', (error) => keyvErrors.push(error));
      await repository.disconnect();
      await OPERATIONS[name]!(keyv);
      const storeErrors = keyvErrors.filter((error) => KeyvStoreError.is(error));
      expect(storeErrors).toHaveLength(1);
      const [error] = storeErrors as KeyvStoreError[];
      expect(error!.code).toBe('E_KEYV_STORE');
      expect(error!.operation).toBe(name);
      expect(CacheUnavailableError.is(error!.cause)).toBe(true);
      expect(error!.message).toContain(name);
    },
  );

  it('throwOnErrors: the store rejects with the KeyvStoreError (Keyv passes it on with its own throwOnErrors)', async () => {
    const repository = new InMemoryCacheRepository();
    const store = new FornoKeyvStore(repository, { throwOnErrors: true });
    const keyv = new Keyv({ store, throwOnErrors: true });
    keyv.on('error', () => {});
    await repository.disconnect();
    const rejection = await keyv.get('a').catch((error: unknown) => error);
    expect(KeyvStoreError.is(rejection)).toBe(true);
    expect(CacheUnavailableError.is((rejection as KeyvStoreError).cause)).toBe(true);
    await expect(store.setMany([{ key: 'a', value: 1 }])).rejects.toMatchObject({ operation: 'setMany' });
    await expect(store.has('a')).rejects.toMatchObject({ code: 'E_KEYV_STORE' });
  });

  it('a bad TTL is a typed error before anything is written', async () => {
    const { repository, store, errors } = setup();
    const keyv = new Keyv({ store });
    expect(await keyv.set('a', 1, -5)).toBe(false);
    expect(await keyv.set('b', 1, Number.NaN)).toBe(false);
    expect(await collect(repository.scan())).toEqual([]);
    expect(errors.map((error) => InvalidArgumentError.is(error.cause))).toEqual([true, true]);
  });

  it('a listener that throws does not break the operation, and errors with no listener are not thrown', async () => {
    const repository = new InMemoryCacheRepository();
    const store = new FornoKeyvStore(repository);
    await repository.disconnect();
    await expect(store.get('a')).resolves.toBeUndefined();
    store.on('error', () => {
      throw new Error('broken listener');
    });
    await expect(store.set('a', 1)).resolves.toBe(false);
  });

  it('on/once/off manage listeners', async () => {
    const repository = new InMemoryCacheRepository();
    const store = new FornoKeyvStore(repository);
    const always = vi.fn();
    const once = vi.fn();
    store.on('error', always).once('error', once);
    await repository.disconnect();
    await store.get('a');
    await store.get('a');
    store.off('error', always);
    await store.get('a');
    expect(always).toHaveBeenCalledTimes(2);
    expect(once).toHaveBeenCalledTimes(1);
    expect(store.listenerCount('error')).toBe(0);
  });

  it('rejects what is not a repository and unknown options', () => {
    expect(() => new FornoKeyvStore({} as never)).toThrow(InvalidArgumentError);
    expect(() => new FornoKeyvStore(new InMemoryCacheRepository(), { throwOnError: true } as never)).toThrow(
      /throwOnError/,
    );
  });
});

describe('FornoKeyvStore: metrics', () => {
  it("Keyv's reads and writes show in the repository's metrics (hits, misses)", async () => {
    const repository = new InMemoryCacheRepository({ enableMetrics: true });
    const keyv = new Keyv({ store: new FornoKeyvStore(repository) });
    await keyv.set('a', 1);
    await keyv.get('a');
    await keyv.get('missing');
    await keyv.getMany(['a', 'missing']);
    const summary = await repository.getPerformanceSummary();
    expect(summary).toMatchObject({ cacheHits: 2, cacheMisses: 2, totalOperations: 4 });
  });
});

describe('FornoKeyvStore: disconnect', () => {
  it('keyv.disconnect() disconnects the repository by default', async () => {
    const { repository, store } = setup();
    await new Keyv({ store }).disconnect();
    await expect(repository.get('a')).rejects.toThrow(CacheUnavailableError);
  });

  it('disconnectRepository: false leaves a shared repository connected', async () => {
    const repository = new InMemoryCacheRepository();
    await new Keyv({ store: new FornoKeyvStore(repository, { disconnectRepository: false }) }).disconnect();
    await expect(repository.get('a')).resolves.toBeNull();
  });
});

/** Keyv with its serializer off (as `new Keyv({ store, serialize: undefined, deserialize: undefined })`). */
function withoutKeyvSerialization(keyv: Keyv): Keyv {
  keyv.serialize = undefined;
  keyv.deserialize = undefined;
  return keyv;
}

async function collect(keys: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const key of keys) all.push(key);
  return all;
}
