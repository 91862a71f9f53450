import { assertKnownOptions, type CacheRepository, escapeGlob, ForbiddenOperationError } from '@forno/core';
import { assertCacheRepository } from '@forno/core/backend';
import { KeyvStoreError, type KeyvStoreOperation } from './keyv-store-error.js';
import { StoreEvents, type StoreListener } from './store-events.js';

/** Options of {@link FornoKeyvStore}. */
export interface FornoKeyvStoreOptions {
  /**
   * Reject with the {@link KeyvStoreError} as well as emitting it. Default `false`: like Keyv's own
   * stores, a failure is emitted as `'error'` and the call resolves as a miss (`undefined`, `false`,
   * nothing). Set Keyv's `throwOnErrors` too, or `keyv.get` still swallows the rejection.
   */
  readonly throwOnErrors?: boolean;
  /**
   * Whether `disconnect()` (called by `keyv.disconnect()`, cache-manager's `disconnect()` and
   * NestJS on shutdown) also disconnects the repository. Default `true`; set `false` when the
   * repository is shared with other code (locks, other caches) that outlives the Keyv instance.
   */
  readonly disconnectRepository?: boolean;
}

/** One entry of {@link FornoKeyvStore.setMany}, as Keyv passes it. */
export interface KeyvStoreEntry {
  readonly key: string;
  readonly value: unknown;
  /** Milliseconds; `undefined` or `0` for no expiry. */
  readonly ttl?: number | undefined;
}

/** Keys read per `MGET` while iterating. */
const ITERATOR_BATCH = 100;

/**
 * A Keyv storage adapter over any Forno `CacheRepository` — `RedisRepository` (standalone,
 * Sentinel, Cluster), `ResilientCacheRepository`, the in-memory fake —, so that
 * `new Keyv({ store: new FornoKeyvStore(repository) })`, cache-manager and NestJS's `CacheModule`
 * run on Forno: operations fail fast with typed causes, work on Cluster, and show in Forno's metrics.
 *
 * Values are passed to the repository as Keyv hands them over and go through the repository's
 * serializer: Keyv's serialized text by default, or Keyv's `{ value, expires }` entry itself when
 * Keyv's `serialize`/`deserialize` are set to `undefined` (then Forno's serializer alone encodes it).
 * Keys are `<namespace>:<key>` under the repository's `keyPrefix`; `clear()` deletes only the
 * namespace. Failures are emitted as `'error'` events ({@link KeyvStoreError}, the repository's
 * typed error as `cause`), which Keyv forwards to its own listeners.
 */
export class FornoKeyvStore {
  /**
   * What Keyv reads of a store's options. `dialect: 'redis'` is how Keyv 5 decides that a store can
   * iterate (it keeps a list of dialects); the data model is Redis's on every Forno backend.
   */
  readonly opts: { dialect: 'redis'; throwOnErrors: boolean; disconnectRepository: boolean } & Record<
    string,
    unknown
  >;

  /**
   * The Keyv namespace; Keyv sets it to its own when the store is attached. Keys are stored as
   * `<namespace>:<key>` (Keyv adds that prefix itself unless `useKeyPrefix: false`; the store adds it
   * when missing, so the namespace scopes keys either way). `undefined`: keys are not namespaced.
   */
  namespace: string | undefined;

  readonly #repository: CacheRepository;
  readonly #events = new StoreEvents();
  readonly #throwOnErrors: boolean;
  readonly #disconnectRepository: boolean;

  /** Throws `InvalidArgumentError` for a value that is not a repository and for unknown options. */
  constructor(repository: CacheRepository, options: FornoKeyvStoreOptions = {}) {
    assertCacheRepository(repository, 'repository');
    assertKnownOptions(options, { throwOnErrors: 'boolean', disconnectRepository: 'boolean' });
    this.#repository = repository;
    this.#throwOnErrors = options.throwOnErrors ?? false;
    this.#disconnectRepository = options.disconnectRepository ?? true;
    this.opts = {
      dialect: 'redis',
      throwOnErrors: this.#throwOnErrors,
      disconnectRepository: this.#disconnectRepository,
    };
  }

  /** The repository the store reads and writes (for its metrics, health or other commands). */
  get repository(): CacheRepository {
    return this.#repository;
  }

  /** The stored entry at `key` (Keyv's serialized text or entry object), `undefined` on a miss. */
  get<Value = unknown>(key: string): Promise<Value | undefined> {
    return this.#run('get', undefined, async () => {
      const value = await this.#repository.get<Value>(this.#keyOf(key));
      return value ?? undefined;
    });
  }

  /** Stored entries of several keys, in order, `undefined` for misses; one `MGET` (split by slot on Cluster). */
  getMany<Value = unknown>(keys: string[]): Promise<(Value | undefined)[]> {
    return this.#run(
      'getMany',
      keys.map(() => undefined),
      async () => {
        if (keys.length === 0) return [];
        const values = await this.#repository.mget<Value>(keys.map((key) => this.#keyOf(key)));
        return values.map((value) => value ?? undefined);
      },
    );
  }

  /** Stores `value` at `key`, expiring after `ttl` ms (Redis `PX`) unless `ttl` is `undefined` or `0`. */
  set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    return this.#run('set', false, () =>
      this.#repository.set(this.#keyOf(key), value, ttl === undefined || ttl === 0 ? undefined : { ttl }),
    );
  }

  /**
   * Stores several entries: one `MSET` per distinct TTL (split by slot on Cluster). At run time it
   * resolves with one boolean per entry (`false` for the entries of a write that failed), which
   * `keyv.setMany()` returns to its caller; it is typed `Promise<void>` because Keyv's
   * `KeyvStoreAdapter` type declares it so, and the store stays assignable to that type.
   */
  async setMany(entries: readonly KeyvStoreEntry[]): Promise<void> {
    const groups = new Map<number | undefined, number[]>();
    entries.forEach((entry, index) => {
      const ttl = entry.ttl === 0 ? undefined : entry.ttl;
      const group = groups.get(ttl);
      if (group === undefined) groups.set(ttl, [index]);
      else group.push(index);
    });
    const results = entries.map(() => true);
    const failures: KeyvStoreError[] = [];
    await Promise.all(
      [...groups].map(async ([ttl, indexes]) => {
        try {
          const pairs = indexes.map((i): [string, unknown] => [
            this.#keyOf(entries[i]!.key),
            entries[i]!.value,
          ]);
          await this.#repository.mset(pairs, ttl === undefined ? undefined : { ttl });
        } catch (error) {
          for (const i of indexes) results[i] = false;
          failures.push(this.#report('setMany', error));
        }
      }),
    );
    if (this.#throwOnErrors && failures.length > 0) throw failures[0];
    return results as unknown as undefined;
  }

  /** Deletes `key`; `true` when it existed. */
  delete(key: string): Promise<boolean> {
    return this.#run('delete', false, async () => (await this.#repository.delete(this.#keyOf(key))) > 0);
  }

  /** Deletes several keys (`UNLINK`, split by slot on Cluster); `true` when at least one existed. */
  deleteMany(keys: string[]): Promise<boolean> {
    return this.#run('deleteMany', false, async () => {
      if (keys.length === 0) return false;
      return (await this.#repository.delete(keys.map((key) => this.#keyOf(key)))) > 0;
    });
  }

  /**
   * Deletes every key of the namespace (`SCAN` + `UNLINK` of `<keyPrefix><namespace>:*`, on every
   * Cluster primary), nothing else. Without a namespace it refuses (`ForbiddenOperationError` as
   * the cause): it would have to delete every key of the repository.
   */
  clear(): Promise<void> {
    return this.#run('clear', undefined, async () => {
      const namespace = this.namespace;
      if (!namespace) {
        throw new ForbiddenOperationError(
          "clear() needs a Keyv namespace (Keyv's default is 'keyv'; NestJS: CacheModule.register({ namespace })): " +
            'without one it would delete every key of the repository',
        );
      }
      await this.#repository.deletePattern(`${escapeGlob(namespace)}:*`);
    });
  }

  /** Whether `key` exists (`EXISTS`; Redis has already dropped expired keys). */
  has(key: string): Promise<boolean> {
    return this.#run('has', false, () => this.#repository.exists(this.#keyOf(key)));
  }

  /** Whether each key exists, in order. */
  hasMany(keys: string[]): Promise<boolean[]> {
    return this.#run(
      'hasMany',
      keys.map(() => false),
      () => Promise.all(keys.map((key) => this.#repository.exists(this.#keyOf(key)))),
    );
  }

  /**
   * Yields `[key, storedEntry]` for every string key of `namespace` (default: the store's; without
   * one, every string key under the repository's prefix), keys as `<namespace>:<key>` — Keyv strips
   * the namespace. Keys come from `SCAN` on every Cluster primary, values from `MGET` in batches of
   * 100; a key deleted or expired in between is skipped. A failure ends the iteration (and is emitted).
   */
  async *iterator<Value = unknown>(
    namespace: string | undefined = this.namespace,
  ): AsyncGenerator<[string, Value]> {
    const pattern = namespace ? `${escapeGlob(namespace)}:*` : '*';
    let batch: string[] = [];
    try {
      for await (const key of this.#repository.scan(pattern, { type: 'string' })) {
        batch.push(key);
        if (batch.length < ITERATOR_BATCH) continue;
        yield* this.#readBatch<Value>(batch);
        batch = [];
      }
      if (batch.length > 0) yield* this.#readBatch<Value>(batch);
    } catch (error) {
      const reported = this.#report('iterator', error);
      if (this.#throwOnErrors) throw reported;
    }
  }

  /** Disconnects the repository, unless the store was created with `disconnectRepository: false`. */
  disconnect(): Promise<void> {
    return this.#run('disconnect', undefined, async () => {
      if (this.#disconnectRepository) await this.#repository.disconnect();
    });
  }

  /** Adds a listener; the store emits `'error'` with a {@link KeyvStoreError}. Keyv subscribes itself. */
  on(event: string, listener: StoreListener): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Adds a listener called once. */
  once(event: string, listener: StoreListener): this {
    const wrapper: StoreListener = (...args) => {
      this.#events.off(event, wrapper);
      listener(...args);
    };
    this.#events.on(event, wrapper);
    return this;
  }

  /** Removes a listener added with `on`. */
  off(event: string, listener: StoreListener): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Number of listeners of `event`. */
  listenerCount(event: string): number {
    return this.#events.listenerCount(event);
  }

  async *#readBatch<Value>(keys: string[]): AsyncGenerator<[string, Value]> {
    const values = await this.#repository.mget<Value>(keys);
    for (const [index, value] of values.entries()) {
      if (value !== null) yield [keys[index]!, value];
    }
  }

  /** `<namespace>:<key>`, unless Keyv already prefixed the key (its default, `useKeyPrefix: true`). */
  #keyOf(key: string): string {
    const namespace = this.namespace;
    if (!namespace || typeof key !== 'string') return key;
    const prefix = `${namespace}:`;
    return key.startsWith(prefix) ? key : prefix + key;
  }

  /** Runs a repository call; a failure is emitted, then resolves as `fallback` or rejects (`throwOnErrors`). */
  async #run<T>(operation: KeyvStoreOperation, fallback: T, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const reported = this.#report(operation, error);
      if (this.#throwOnErrors) throw reported;
      return fallback;
    }
  }

  #report(operation: KeyvStoreOperation, error: unknown): KeyvStoreError {
    const reported = new KeyvStoreError(operation, error);
    this.#events.emit('error', reported);
    return reported;
  }
}
