import {
  assertKey,
  type CacheEventListener,
  type CacheEventSource,
  describeValue,
  InvalidArgumentError,
} from '@forno/core';
import type {
  HybridCacheEventName,
  HybridCacheListener,
  HybridCacheStats,
  StaleReason,
} from './cache-events.js';
import { CacheRoot } from './cache-root.js';
import { expiredAt, stateOf } from './entry.js';
import { CacheClosedError } from './errors.js';
import { assertNamespace, entryKey } from './keys.js';
import { handOut } from './l1/handout.js';
import { isOutage } from './l2/l2-store.js';
import { loadBatch } from './load/batch.js';
import { newEntry, readEntry } from './load/entries.js';
import type { BatchFactory, Factory } from './load/factory-context.js';
import { type Answer, Flight, type FlightKey } from './load/flight.js';
import {
  type EntryOptions,
  type HybridCacheOptions,
  type ResolvedEntryOptions,
  resolveEntryOptions,
  SET_NAMES,
  tagsOf,
} from './options.js';
import { resolveCacheOptions } from './root-options.js';

/** Options of `set`. */
export type SetEntryOptions = Pick<EntryOptions, 'ttl' | 'grace' | 'jitter' | 'tags'>;

/** A value with where it came from (see `getOrSetWithSource`). */
export interface SourcedValue<T> {
  readonly value: T;
  readonly source: 'l1' | 'l2' | 'factory' | 'stale';
  /** Why a stale value was served (only with `source: 'stale'`). */
  readonly staleReason?: StaleReason;
}

/** Internal: what a child namespace is made from. */
class ChildSeed {
  constructor(
    readonly root: CacheRoot,
    readonly name: string,
    readonly defaults: ResolvedEntryOptions,
  ) {}
}

const RESULT = { l1: 'l1-hit', l2: 'l2-hit', factory: 'miss', stale: 'stale' } as const;

/**
 * A hybrid cache: an in-process L1 in front of any `CacheRepository` as L2, for cache-aside reads.
 *
 * ```ts
 * const menu = new HybridCache({ repository: redis, namespace: 'menu', ttl: '10m', grace: '6h' });
 * const pizza = await menu.getOrSet('margherita', ({ signal }) => db.menuItem('margherita', { signal }));
 * ```
 *
 * `getOrSet` answers from L1, else L2, else runs the factory once per key (per process, or across
 * processes with `stampede: 'distributed'`), with fail-safe grace, soft and hard timeouts and eager
 * refresh. Every write publishes an invalidation, so the other processes' L1 follow. See the README
 * for the staleness table and every option.
 */
export class HybridCache implements CacheEventSource {
  /** The namespace path, e.g. `menu` or `menu:drinks`. */
  readonly name: string;
  readonly #root: CacheRoot;
  readonly #defaults: ResolvedEntryOptions;
  readonly #prefix: string;
  readonly #owner: boolean;

  constructor(options: HybridCacheOptions);
  constructor(options: HybridCacheOptions | ChildSeed) {
    if (options instanceof ChildSeed) {
      this.#root = options.root;
      this.name = options.name;
      this.#defaults = options.defaults;
      this.#owner = false;
    } else {
      const { settings, defaults } = resolveCacheOptions(options);
      this.#root = new CacheRoot(settings);
      this.name = settings.namespace;
      this.#defaults = defaults;
      this.#owner = true;
    }
    this.#prefix = `${this.name}:`;
  }

  /**
   * A child namespace (`menu:drinks`): same L1, L2, bus and events; its own keys, cleared by its
   * own `clear()` (and by its parent's). `options` override this cache's defaults for it.
   */
  namespace(name: string, options?: Omit<EntryOptions, 'tags'>): HybridCache {
    assertNamespace(name, 'name', 'argument');
    const defaults = resolveEntryOptions(options, this.#defaults, 'argument');
    return new HybridCache(new ChildSeed(this.#root, `${this.name}:${name}`, defaults) as never);
  }

  /**
   * The value of `key`: from L1, else L2, else from `factory` (run once however many callers
   * wait), which is then cached. Under grace, a failing or slow factory or an unreachable L2
   * answers with the last value instead of an error. Concurrent callers of a key share the first
   * caller's factory and options.
   */
  async getOrSet<T>(key: string, factory: Factory<T>, options?: EntryOptions): Promise<T> {
    const answer = await this.#getOrSet(key, factory as Factory<unknown>, options);
    return handOut(answer.entry.held, this.#root.codec) as T;
  }

  /**
   * `getOrSet`, telling where the value came from: `l1` or `l2` (fresh), `factory` (just
   * computed), or `stale` (the fail-safe answered, `staleReason` says why) — e.g. for an
   * `X-Cache` header.
   */
  async getOrSetWithSource<T>(
    key: string,
    factory: Factory<T>,
    options?: EntryOptions,
  ): Promise<SourcedValue<T>> {
    const answer = await this.#getOrSet(key, factory as Factory<unknown>, options);
    const value = handOut(answer.entry.held, this.#root.codec) as T;
    return answer.reason === undefined
      ? { value, source: answer.source }
      : { value, source: answer.source, staleReason: answer.reason };
  }

  async #getOrSet(
    key: string,
    factory: Factory<unknown>,
    options: EntryOptions | undefined,
  ): Promise<Answer> {
    assertKey(key);
    if (typeof factory !== 'function') {
      throw new InvalidArgumentError('factory', `expected a function, got ${describeValue(factory)}`);
    }
    const resolved = resolveEntryOptions(options, this.#defaults, 'argument');
    const root = this.#open();
    const at = this.#at(key);
    const now = root.now();
    const node = root.freshL1(this.name, at.entryKey, now);
    if (node !== undefined) {
      root.events.lookup(this.name, key, 'l1-hit');
      this.#refreshIfDue(at, node.entry, factory, resolved, now);
      return { entry: node.entry, source: 'l1' };
    }
    const flight = root.flights.get(at.entryKey) ?? new Flight(root, at, factory, resolved).start();
    const answer = await flight.answer;
    this.#report(key, answer);
    if (answer.source === 'l2') this.#refreshIfDue(at, answer.entry, factory, resolved, root.now());
    return answer;
  }

  /**
   * The values of `keys`, in order: from L1, L2, and one call of `factory` with only the keys that
   * missed. Same single-flight, stampede protection and fail-safe as `getOrSet`, per key.
   */
  async getOrSetMany<T>(
    keys: readonly string[],
    factory: BatchFactory<T>,
    options?: EntryOptions,
  ): Promise<T[]> {
    if (!Array.isArray(keys))
      throw new InvalidArgumentError('keys', `expected an array of keys, got ${describeValue(keys)}`);
    for (const [i, key] of keys.entries()) assertKey(key, `keys[${i}]`);
    if (typeof factory !== 'function') {
      throw new InvalidArgumentError('factory', `expected a function, got ${describeValue(factory)}`);
    }
    const resolved = resolveEntryOptions(options, this.#defaults, 'argument');
    const root = this.#open();
    const now = root.now();
    const answers = new Map<string, Promise<Answer> | Answer>();
    const toLoad: FlightKey[] = [];
    const loading = new Set<string>();
    for (const key of keys) {
      const at = this.#at(key);
      if (answers.has(at.entryKey) || loading.has(at.entryKey)) continue;
      const node = root.freshL1(this.name, at.entryKey, now);
      if (node !== undefined) answers.set(at.entryKey, { entry: node.entry, source: 'l1' });
      else {
        const flight = root.flights.get(at.entryKey);
        if (flight !== undefined) answers.set(at.entryKey, flight.answer);
        else {
          toLoad.push(at);
          loading.add(at.entryKey);
        }
      }
    }
    if (toLoad.length > 0) {
      const loaded = await loadBatch(root, toLoad, factory as BatchFactory<unknown>, resolved);
      for (const [entryKey, answer] of loaded) answers.set(entryKey, answer);
    }
    const settled = await Promise.all(keys.map((key) => answers.get(this.#prefix + key)!));
    return settled.map((answer, i) => {
      this.#report(keys[i]!, answer);
      return handOut(answer.entry.held, root.codec) as T;
    });
  }

  /**
   * The fresh value of `key`, or `null`. When L2 is unreachable, the L1 copy within grace (stale);
   * without one, the repository's error.
   */
  async get<T = unknown>(key: string): Promise<T | null> {
    assertKey(key);
    const root = this.#open();
    const entryKey = this.#prefix + key;
    const now = root.now();
    const node = root.freshL1(this.name, entryKey, now);
    if (node !== undefined) {
      root.events.lookup(this.name, key, 'l1-hit');
      return handOut(node.entry.held, root.codec) as T;
    }
    if (root.l2 === undefined) {
      root.events.lookup(this.name, key, 'miss');
      return null;
    }
    try {
      const entry = await readEntry(root, this.name, entryKey, this.#defaults.graceMs > 0);
      if (entry === null || stateOf(entry, root.now()) !== 'fresh') {
        root.events.lookup(this.name, key, 'miss');
        return null;
      }
      root.events.lookup(this.name, key, 'l2-hit');
      return handOut(entry.held, root.codec) as T;
    } catch (error) {
      if (!isOutage(error)) throw error;
      root.l2Failed(this.name, 'get', error);
      const fallback = root.fallbackL1(this.name, entryKey, root.now());
      if (fallback === undefined) throw error;
      root.events.lookup(this.name, key, 'stale', 'l2-unavailable');
      return handOut(fallback.held, root.codec) as T;
    }
  }

  /** Whether `key` has a fresh value (in L1 or L2). */
  async has(key: string): Promise<boolean> {
    assertKey(key);
    const root = this.#open();
    const entryKey = this.#prefix + key;
    if (root.freshL1(this.name, entryKey, root.now()) !== undefined) return true;
    if (root.l2 === undefined) return false;
    const entry = await readEntry(root, this.name, entryKey, this.#defaults.graceMs > 0);
    return entry !== null && stateOf(entry, root.now()) === 'fresh';
  }

  /** Stores `value` in L2 and this process's L1, and evicts `key` from every other process's L1. */
  async set(key: string, value: unknown, options?: SetEntryOptions): Promise<void> {
    assertKey(key);
    if (value === undefined)
      throw new InvalidArgumentError('value', 'expected a value (null caches an absence), got undefined');
    const resolved = resolveEntryOptions(options, this.#defaults, 'argument', SET_NAMES);
    const root = this.#open();
    const entryKey = this.#prefix + key;
    const entry = newEntry(root, value, root.stamper.next(), resolved);
    root.epochs.invalidate(entryKey);
    try {
      await root.write(entryKey, value, entry);
    } catch (error) {
      root.l1?.delete(entryKey);
      await root.publish({ keys: [entryKey] });
      throw error;
    }
    root.epochs.invalidate(entryKey);
    root.fill(this.name, entryKey, entry);
  }

  /**
   * Deletes `key` (or each of `keys`) from L2 and from every process's L1; resolves with how many
   * existed (in L2; in L1 without a repository).
   */
  async delete(key: string | readonly string[]): Promise<number> {
    const root = this.#open();
    const entryKeys = this.#entryKeys(key);
    let held = 0;
    for (const entryKey of entryKeys) {
      root.epochs.invalidate(entryKey);
      if (root.l1?.delete(entryKey)) held++;
    }
    try {
      return root.l2 === undefined ? held : await root.l2.delete(entryKeys);
    } finally {
      await root.publish({ keys: entryKeys });
    }
  }

  /**
   * Ends the freshness of `key` (or each of `keys`) now but keeps the value for its grace: the next
   * `getOrSet` runs the factory, and serves the old value if that fails (unlike `delete`). Without
   * grace it is a `delete`.
   */
  async expire(key: string | readonly string[]): Promise<void> {
    const root = this.#open();
    const entryKeys = this.#entryKeys(key);
    const now = root.now();
    for (const entryKey of entryKeys) {
      root.epochs.invalidate(entryKey);
      const node = root.l1?.peek(entryKey);
      if (node !== undefined) root.fill(this.name, entryKey, expiredAt(node.entry, now));
    }
    try {
      await Promise.all(entryKeys.map((entryKey) => root.l2?.expire(entryKey, this.#defaults.graceMs)));
    } finally {
      await root.publish({ keys: entryKeys });
    }
  }

  /** Deletes every entry of this namespace carrying `tag` (or any of `tags`), in every process. */
  deleteByTag(tag: string | readonly string[]): Promise<void> {
    return this.#invalidateTags(tag, 'd');
  }

  /** Expires every entry of this namespace carrying `tag` (kept for grace, like `expire`), in every process. */
  expireByTag(tag: string | readonly string[]): Promise<void> {
    return this.#invalidateTags(tag, 'x');
  }

  /**
   * Deletes every entry of this namespace and its children, in L2 and in every process's L1;
   * resolves with how many were deleted (from L2; from L1 without a repository).
   */
  async clear(): Promise<number> {
    const root = this.#open();
    root.epochs.invalidateAll();
    const held = root.l1?.deletePrefix(this.#prefix) ?? 0;
    try {
      return root.l2 === undefined ? held : await root.l2.clear(this.name);
    } finally {
      await root.publish({ cleared: [this.name] });
    }
  }

  /**
   * Listens to an event (`hit`, `miss`, `stale`, `factory-error`, `refresh`, `l2-error`,
   * `bus-error`, `bus-reset`) of this cache and all its namespaces; returns a function that stops.
   */
  on<E extends HybridCacheEventName>(event: E, listener: HybridCacheListener<E>): () => void {
    return this.#root.events.on(event, listener);
  }

  /** `hybrid-cache` events for `@forno/metrics`: `cacheMetrics.attach(cache)`. */
  onEvent(listener: CacheEventListener): () => void {
    return this.#root.events.onEvent(listener);
  }

  /**
   * Resolves `true` once L1 may answer: when the invalidation bus first delivers (a few ms after
   * construction), at once without a bus; `false` if the cache is closed first. Until then every
   * read asks L2. For startup probes and tests; nothing needs to wait for it.
   */
  ready(): Promise<boolean> {
    return this.#root.ready();
  }

  /** Counters since creation (all namespaces), hit ratios per layer and the bus state. */
  stats(): HybridCacheStats {
    const root = this.#root;
    return root.events.stats(root.l1?.size ?? 0, root.busState);
  }

  /**
   * Stops the bus subscription and its timer and empties L1; later calls throw
   * `CacheClosedError`. Never closes the repository. On a child namespace, does nothing.
   */
  async close(): Promise<void> {
    if (this.#owner) await this.#root.close();
  }

  #open(): CacheRoot {
    if (this.#root.closed) throw new CacheClosedError(`the cache "${this.name}" is closed`);
    return this.#root;
  }

  #at(key: string): FlightKey {
    return { namespace: this.name, key, entryKey: this.#prefix + key };
  }

  #entryKeys(key: string | readonly string[]): string[] {
    const keys = typeof key === 'string' ? [key] : key;
    if (!Array.isArray(keys) || keys.length === 0) {
      throw new InvalidArgumentError(
        'key',
        `expected a key or a non-empty array of keys, got ${describeValue(key)}`,
      );
    }
    return keys.map((k, i) => {
      assertKey(k, typeof key === 'string' ? 'key' : `key[${i}]`);
      return entryKey(this.name, k);
    });
  }

  async #invalidateTags(tag: string | readonly string[], kind: 'd' | 'x'): Promise<void> {
    const tags = tagsOf(typeof tag === 'string' ? [tag] : tag, 'tag', 'argument');
    if (tags.length === 0) throw new InvalidArgumentError('tag', 'expected at least one tag');
    const root = this.#open();
    const at = root.stamper.next();
    // Reads in flight may have judged their tags before this: they must not fill L1.
    root.epochs.invalidateAll();
    for (const name of tags) root.tags.note(this.name, name, kind, at);
    try {
      await Promise.all(tags.map((name) => root.tags.record(this.name, name, kind, at)));
    } finally {
      await root.publish({ tags: tags.map((name) => [this.name, name, kind, at] as const) });
    }
  }

  #refreshIfDue(
    at: FlightKey,
    entry: Answer['entry'],
    factory: Factory<unknown>,
    options: ResolvedEntryOptions,
    now: number,
  ): void {
    const ratio = options.eagerRefresh;
    if (ratio === 0 || now < entry.createdAt + (entry.expiresAt - entry.createdAt) * ratio) return;
    const root = this.#root;
    if (root.flights.has(at.entryKey) || root.backingOff(at.entryKey, now)) return;
    root.events.emit('refresh', () => ({ namespace: at.namespace, key: at.key }));
    new Flight(root, at, factory, options, entry).start();
  }

  #report(key: string, answer: Answer): void {
    this.#root.events.lookup(this.name, key, RESULT[answer.source], answer.reason);
  }
}
