import { type Clock, type KeyType, systemClock, WrongTypeError } from '@forno/core';
import { asRedisText } from './byte-codec.js';
import { estimateEntryBytes } from './memory-estimate.js';

/** The value of a key of each Redis type, as the fake holds it (members are byte strings). */
export interface EntryValues {
  string: string;
  hash: Map<string, string>;
  list: string[];
  set: Set<string>;
  zset: Map<string, number>;
}

/** One key of the fake's keyspace. */
export interface Entry<T extends KeyType = KeyType> {
  readonly type: T;
  value: EntryValues[T];
  /** Wall-clock expiry in ms (from the store's clock), or undefined for none. */
  expiresAt: number | undefined;
}

const WRONGTYPE_MESSAGE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

/** Options of {@link InMemoryStore}. */
export interface InMemoryStoreOptions {
  /** Clock that drives TTLs. Inject a `ManualClock` to test expiry without sleeping. */
  readonly clock?: Clock;
}

type MessageListener = (message: string) => void;

/**
 * The fake's "server": one keyspace and one pub/sub bus. Several `InMemoryCacheRepository`
 * instances (with different prefixes, say) can share a store, as several clients share a Redis.
 * Keys expire lazily on access, by the injected clock, so no timers run.
 */
export class InMemoryStore {
  /** Clock that drives TTLs. */
  readonly clock: Clock;
  readonly #entries = new Map<string, Entry>();
  readonly #channels = new Map<string, Map<object, Set<MessageListener>>>();

  constructor(options: InMemoryStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /** The live entry at `key` of any type, removing it first if it has expired. */
  lookup(name: string): Entry | undefined {
    const key = asRedisText(name);
    const entry = this.#entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.clock.now()) {
      this.#entries.delete(key);
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

  /** Like {@link read}, but creates an empty entry of `type` (without TTL) when the key is missing. */
  readOrCreate<T extends KeyType>(key: string, type: T, empty: () => EntryValues[T]): Entry<T> {
    const existing = this.read(key, type);
    if (existing !== undefined) return existing;
    const entry: Entry<T> = { type, value: empty(), expiresAt: undefined };
    this.#entries.set(asRedisText(key), entry as Entry);
    return entry;
  }

  /** Stores `value` at `key` as a new key of `type`, replacing whatever was there (TTL cleared). */
  write<T extends KeyType>(key: string, type: T, value: EntryValues[T], expiresAt?: number): Entry<T> {
    const entry: Entry<T> = { type, value, expiresAt };
    this.#entries.set(asRedisText(key), entry as Entry);
    return entry;
  }

  /** Deletes `key`; true if it existed (and had not expired). */
  delete(key: string): boolean {
    return this.lookup(key) !== undefined && this.#entries.delete(asRedisText(key));
  }

  /** Removes a container key that has become empty, as Redis does. */
  deleteIfEmpty(key: string, entry: Entry): void {
    const { value } = entry;
    const size = typeof value === 'string' ? 1 : Array.isArray(value) ? value.length : value.size;
    if (size === 0) this.#entries.delete(asRedisText(key));
  }

  /** Every live key, in insertion order. */
  *keys(): IterableIterator<string> {
    for (const key of [...this.#entries.keys()]) {
      if (this.lookup(key) !== undefined) yield key;
    }
  }

  /** Number of live keys. */
  get size(): number {
    let count = 0;
    for (const _ of this.keys()) count++;
    return count;
  }

  /**
   * Approximate bytes the live keys and their values occupy: the fake's stand-in for Redis'
   * `used_memory` in performance summaries. Good for orders of magnitude and growth, not for
   * comparing with a server (whose figure also counts its own ~1 MB baseline).
   */
  estimateMemoryUsage(): number {
    let bytes = 0;
    for (const key of this.keys()) {
      const entry = this.#entries.get(key);
      if (entry !== undefined) bytes += estimateEntryBytes(key, entry);
    }
    return bytes;
  }

  /** Deletes every key (pub/sub subscriptions survive, as in Redis). */
  flush(): void {
    this.#entries.clear();
  }

  /**
   * Delivers `message` to every subscriber of `channel` on a later microtask (as a network would);
   * returns how many subscribers (clients, not listeners) were subscribed.
   */
  publish(channel: string, message: string): number {
    const subscribers = this.#channels.get(asRedisText(channel));
    if (subscribers === undefined) return 0;
    const listeners = [...subscribers.values()].flatMap((set) => [...set]);
    queueMicrotask(() => {
      for (const listener of listeners) listener(message);
    });
    return subscribers.size;
  }

  /** Subscribes `listener` on behalf of `client`; returns a function that removes it. */
  subscribe(client: object, name: string, listener: MessageListener): () => void {
    const channel = asRedisText(name);
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
}
