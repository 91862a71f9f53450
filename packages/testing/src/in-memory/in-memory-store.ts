import { type Clock, type KeyType, systemClock, WrongTypeError } from '@forno/core';
import { ActiveExpiry, type ExpiryTarget } from './active-expiry.js';
import type { InMemoryStream } from './in-memory-stream.js';
import { estimateEntryBytes } from './memory-estimate.js';

/** The value of a key of each Redis type, as the fake holds it (members are byte strings). */
export interface EntryValues {
  string: string;
  hash: Map<string, string>;
  list: string[];
  set: Set<string>;
  zset: Map<string, number>;
  stream: InMemoryStream;
}

/** One key of the fake's keyspace. */
export interface Entry<T extends KeyType = KeyType> {
  readonly type: T;
  value: EntryValues[T];
  /** Wall-clock expiry in ms (from the store's clock), or undefined for none. Set it with `InMemoryStore#expire`. */
  expiresAt: number | undefined;
  /** Estimated bytes when last measured (kept by the store for its running memory counter). */
  bytes: number;
}

const WRONGTYPE_MESSAGE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

/** Options of {@link InMemoryStore}. */
export interface InMemoryStoreOptions {
  /** Clock that drives TTLs. Inject a `ManualClock` to test expiry without sleeping. */
  readonly clock?: Clock;
  /**
   * Remove expired keys in the background, as Redis' active expire cycle does (default true; the
   * timers are `unref`'d, see `ActiveExpiry`). `false` leaves it to `activeExpireCycle()` calls
   * and to lazy expiry.
   */
  readonly activeExpiry?: boolean;
}

type MessageListener = (message: string) => void;

/** A `WATCH` on some keys of an {@link InMemoryStore}. */
export interface StoreWatch {
  /** Whether a watched key was written since the watch began. */
  changed: boolean;
  /** Stops watching. */
  release(): void;
}

/**
 * The fake's "server": one keyspace and one pub/sub bus. Several `InMemoryCacheRepository`
 * instances (with different prefixes, say) can share a store, as several clients share a Redis.
 *
 * Keys expire by the injected clock, as on Redis: lazily when touched, and actively in the
 * background (see `activeExpireCycle`), so expired keys nobody reads do not pile up. The memory
 * estimate is a running counter: a stats call costs the keys written since the last one, not a
 * walk of the store.
 */
export class InMemoryStore {
  /** Clock that drives TTLs. */
  readonly clock: Clock;
  /**
   * The script cache, SHA1 → Lua source, as a server holds it: `EVAL` adds to it, `EVALSHA` of a
   * script not in it answers `NOSCRIPT`. Clear it to act out `SCRIPT FLUSH` (or a restart).
   */
  readonly scripts = new Map<string, string>();
  readonly #entries = new Map<string, Entry>();
  readonly #channels = new Map<string, Map<object, Set<MessageListener>>>();
  /** Keys that got a TTL (some may have lost it since); what the active expiry samples. */
  readonly #volatile = new Set<string>();
  /** Keys whose value may have changed size since their `bytes` were measured. */
  readonly #dirty = new Set<string>();
  /** What the active expiry works on (it holds it weakly: the store keeps it alive). */
  readonly #expiryTarget: ExpiryTarget;
  readonly #expiry: ActiveExpiry;
  #bytes = 0;
  /** The open `WATCH`es of each key: what a write to the key marks as conflicting. */
  readonly #watches = new Map<string, Set<StoreWatch>>();

  constructor(options: InMemoryStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.#expiryTarget = {
      clock: this.clock,
      volatile: this.#volatile,
      expiresAt: (key) => this.#entries.get(key)?.expiresAt,
      remove: (key) => this.#remove(key),
    };
    this.#expiry = new ActiveExpiry(this.#expiryTarget, options.activeExpiry !== false);
  }

  /** The live entry at `key` of any type, removing it first if it has expired. */
  lookup(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.clock.now()) {
      this.#remove(key);
      return undefined;
    }
    return entry;
  }

  /** The live entry at `key` if it has `type`; `undefined` if missing; `WrongTypeError` otherwise. */
  read<T extends KeyType>(key: string, type: T): Entry<T> | undefined {
    const entry = this.lookup(key);
    if (entry !== undefined && entry.type !== type) throw new WrongTypeError(WRONGTYPE_MESSAGE);
    return entry as Entry<T> | undefined;
  }

  /**
   * Like {@link read}, but creates an empty entry of `type` (without TTL) when the key is missing.
   * For writes: the entry is counted as changed (see {@link changed}).
   */
  readOrCreate<T extends KeyType>(key: string, type: T, empty: () => EntryValues[T]): Entry<T> {
    const existing = this.read(key, type);
    if (existing !== undefined) {
      this.#dirty.add(key);
      this.#touch(key);
      return existing;
    }
    const entry = this.#insert(key, { type, value: empty(), expiresAt: undefined, bytes: 0 } as Entry<T>);
    this.#dirty.add(key);
    return entry;
  }

  /** Stores `value` at `key` as a new key of `type`, replacing whatever was there (TTL cleared). */
  write<T extends KeyType>(key: string, type: T, value: EntryValues[T], expiresAt?: number): Entry<T> {
    return this.#insert(key, { type, value, expiresAt, bytes: 0 } as Entry<T>);
  }

  /** Sets or clears (`undefined`) the expiry of a live entry. */
  expire(key: string, entry: Entry, expiresAt: number | undefined): void {
    this.#touch(key);
    entry.expiresAt = expiresAt;
    if (expiresAt !== undefined) this.#track(key);
  }

  /** Records that the value of a live entry was changed in place (its size may have changed). */
  changed(key: string): void {
    this.#dirty.add(key);
    this.#touch(key);
  }

  /** Deletes `key`; true if it existed (and had not expired). */
  delete(key: string): boolean {
    if (this.lookup(key) === undefined) return false;
    this.#remove(key);
    return true;
  }

  /** Records a change in place, and removes a container key that has become empty, as Redis does. */
  deleteIfEmpty(key: string, entry: Entry): void {
    const { value } = entry;
    const size = typeof value === 'string' ? 1 : Array.isArray(value) ? value.length : value.size;
    if (size === 0) this.#remove(key);
    else {
      this.#dirty.add(key);
      this.#touch(key);
    }
  }

  /** Every live key, in insertion order. */
  *keys(): IterableIterator<string> {
    for (const key of [...this.#entries.keys()]) {
      if (this.lookup(key) !== undefined) yield key;
    }
  }

  /** Number of live keys (walks the store; see {@link keyCount} for the cheap count). */
  get size(): number {
    let count = 0;
    for (const _ of this.keys()) count++;
    return count;
  }

  /**
   * Number of keys held, as Redis' `DBSIZE` counts them: keys that have expired but were not
   * removed yet (by a lookup or by the active expiry) included. Constant time.
   */
  get keyCount(): number {
    return this.#entries.size;
  }

  /**
   * Approximate bytes the keys and their values occupy: the fake's stand-in for Redis'
   * `used_memory` in performance summaries. Good for orders of magnitude and growth, not for
   * comparing with a server (whose figure also counts its own ~1 MB baseline). Like `used_memory`,
   * it counts expired keys until they are removed. A running counter: only keys written since the
   * last call are measured again.
   */
  estimateMemoryUsage(): number {
    for (const key of this.#dirty) {
      const entry = this.#entries.get(key);
      if (entry === undefined) continue;
      const bytes = estimateEntryBytes(key, entry);
      this.#bytes += bytes - entry.bytes;
      entry.bytes = bytes;
    }
    this.#dirty.clear();
    return this.#bytes;
  }

  /**
   * Runs one step of the active expiry now, as the background timer does every 100 ms after a key
   * gets a TTL: examines keys with a TTL, 20 at a time (at least 1,000, more while over a quarter
   * had expired, at most 20,000), removing the expired ones. Returns how many keys it removed. For
   * tests with a manual clock, or a store created with `activeExpiry: false`.
   */
  activeExpireCycle(): number {
    return this.#expiry.cycle();
  }

  /** Deletes every key (pub/sub subscriptions survive, as in Redis). */
  flush(): void {
    for (const key of this.#entries.keys()) this.#touch(key);
    this.#entries.clear();
    this.#volatile.clear();
    this.#dirty.clear();
    this.#bytes = 0;
    this.#expiry.stop();
  }

  /**
   * Delivers `message` to every subscriber of `channel` on a later microtask (as a network would);
   * returns how many subscribers (clients, not listeners) were subscribed.
   */
  publish(channel: string, message: string): number {
    const subscribers = this.#channels.get(channel);
    if (subscribers === undefined) return 0;
    const listeners = [...subscribers.values()].flatMap((set) => [...set]);
    queueMicrotask(() => {
      for (const listener of listeners) listener(message);
    });
    return subscribers.size;
  }

  /** Subscribes `listener` on behalf of `client`; returns a function that removes it. */
  subscribe(client: object, channel: string, listener: MessageListener): () => void {
    const subscribers = this.#channels.get(channel) ?? new Map<object, Set<MessageListener>>();
    this.#channels.set(channel, subscribers);
    const listeners = subscribers.get(client) ?? new Set<MessageListener>();
    subscribers.set(client, listeners);
    const wrapped: MessageListener = (message) => listener(message);
    listeners.add(wrapped);
    return () => {
      listeners.delete(wrapped);
      if (listeners.size === 0) subscribers.delete(client);
      if (subscribers.size === 0) this.#channels.delete(channel);
    };
  }

  #insert<T extends KeyType>(key: string, entry: Entry<T>): Entry<T> {
    const previous = this.#entries.get(key);
    if (previous !== undefined) this.#bytes -= previous.bytes;
    entry.bytes = estimateEntryBytes(key, entry as Entry);
    this.#bytes += entry.bytes;
    this.#dirty.delete(key);
    this.#touch(key);
    this.#entries.set(key, entry as Entry);
    if (entry.expiresAt !== undefined) this.#track(key);
    return entry;
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#touch(key);
    this.#bytes -= entry.bytes;
    this.#entries.delete(key);
    this.#dirty.delete(key);
    this.#volatile.delete(key);
  }

  /**
   * `WATCH`: from now on, any write to one of `keys` (a deletion and an expiry included, as in
   * Redis 7) marks the returned watch as changed, until it is released.
   */
  watch(keys: readonly string[]): StoreWatch {
    const watch: StoreWatch = {
      changed: false,
      release: () => {
        for (const key of keys) {
          const watches = this.#watches.get(key);
          watches?.delete(watch);
          if (watches?.size === 0) this.#watches.delete(key);
        }
      },
    };
    for (const key of keys) {
      this.lookup(key); // an already expired key is removed now, not counted as a change later
      const watches = this.#watches.get(key) ?? new Set<StoreWatch>();
      this.#watches.set(key, watches);
      watches.add(watch);
    }
    return watch;
  }

  #touch(key: string): void {
    const watches = this.#watches.get(key);
    if (watches !== undefined) for (const watch of watches) watch.changed = true;
  }

  #track(key: string): void {
    this.#volatile.add(key);
    this.#expiry.wake();
  }
}
