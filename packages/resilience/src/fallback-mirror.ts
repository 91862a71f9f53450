import {
  assertKnownOptions,
  type Clock,
  type Duration,
  durationOption,
  InvalidConfigError,
  integerOption,
  strategyOption,
  systemClock,
} from '@forno/core';
import { LRUCache } from 'lru-cache';
import { estimateBytes } from './estimate-bytes.js';

/** Options of the fallback mirror of `ResilientCacheRepository` (its `fallback` option). */
export interface FallbackOptions {
  /** Most read results kept, least recently used evicted first. Default 1000. */
  readonly max?: number | undefined;
  /**
   * How long a kept result may still be served, counted from when it was read or written.
   * Default: no limit (values written with a TTL are never kept beyond it).
   */
  readonly ttl?: Duration | undefined;
  /**
   * Upper bound of the kept results' total size in bytes, least recently used evicted first; a
   * result larger than this is not kept at all. Written values count their serialized size, read
   * results an estimate close to their JSON size. Default 64 MiB.
   */
  readonly maxBytes?: number | undefined;
  /** The former name of `maxBytes` (deprecated; give one or the other). */
  readonly maxSize?: number | undefined;
  /** Source of monotonic time for `ttl`. Default `systemClock` (vitest's fake timers drive it). */
  readonly clock?: Clock | undefined;
}

/** Proof that a fill began, from {@link FallbackMirror.begin}; hand it back to `settle`. */
export interface FillTicket {
  /** The keys being read. */
  readonly keys: readonly string[];
  /** Each key's version when the fill began. */
  readonly versions: readonly number[];
  /** The mirror's epoch when the fill began (bumped by `clear` and pattern invalidation). */
  readonly epoch: number;
}

/** What the mirror holds under one id: the data key (to index it), the result and its size. */
interface Kept {
  readonly key: string;
  readonly value: unknown;
  readonly bytes: number;
}

const OWNER = 'ResilientCacheRepository fallback';
const OPTION_KEYS = ['max', 'ttl', 'maxBytes', 'maxSize', 'clock'];
/** Default bound of the mirror: a few large values, or thousands of ordinary ones. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The last known results of reads, by key, kept in an LRU so reads can be answered while the
 * backend is unavailable (internal to `ResilientCacheRepository`).
 *
 * Results are stored under `(signature, key)` where the signature names the command and its other
 * arguments (`hget["price"]`), and indexed by key so a write drops every result of its key at
 * once. A result is stored only if no write touched its keys while the read was in flight
 * (per-key versions, counted only for keys with fills in flight), so a slow read can never put
 * back a value a concurrent write replaced.
 */
export class FallbackMirror {
  readonly #cache: LRUCache<string, Kept>;
  readonly #ttlMs: number | undefined;
  /** Data key → ids of its results in the cache. */
  readonly #index = new Map<string, Set<string>>();
  /** Data key → version and number of fills in flight, present only while fills are in flight. */
  readonly #fills = new Map<string, { version: number; holders: number }>();
  #epoch = 0;

  /** @param options The user's `fallback` options (validated here). */
  constructor(options: FallbackOptions | undefined) {
    assertKnownOptions(options, OPTION_KEYS, OWNER);
    const max = integerOption(options?.max, 'fallback.max', 1, 1_000, OWNER);
    this.#ttlMs =
      options?.ttl === undefined ? undefined : durationOption(options.ttl, 'fallback.ttl', 0, OWNER);
    if (this.#ttlMs !== undefined && !(this.#ttlMs > 0)) {
      throw new InvalidConfigError(
        'options.fallback.ttl',
        `${OWNER} needs a ttl greater than zero, got ${this.#ttlMs}ms`,
      );
    }
    if (options?.maxBytes !== undefined && options.maxSize !== undefined) {
      throw new InvalidConfigError(
        'options.fallback.maxSize',
        `${OWNER}: give maxBytes (maxSize is its old name), not both`,
      );
    }
    const maxBytes = integerOption(
      options?.maxBytes ?? options?.maxSize,
      options?.maxBytes === undefined && options?.maxSize !== undefined
        ? 'fallback.maxSize'
        : 'fallback.maxBytes',
      1,
      DEFAULT_MAX_BYTES,
      OWNER,
    );
    const clock =
      strategyOption<Clock>(options?.clock, 'fallback.clock', ['now', 'monotonic'], OWNER) ?? systemClock;
    this.#cache = new LRUCache<string, Kept>({
      max,
      maxSize: maxBytes,
      sizeCalculation: (kept) => kept.bytes,
      ...(this.#ttlMs === undefined ? {} : { ttl: this.#ttlMs }),
      // lru-cache takes a start time of 0 for "no TTL", and a manual clock starts at 0: shift it.
      perf: { now: () => clock.monotonic() + 1 },
      ttlResolution: 0,
      dispose: (kept, id, reason) => {
        if (reason !== 'set') this.#unindex(kept.key, id);
      },
    });
  }

  /** Number of results kept. */
  get size(): number {
    return this.#cache.size;
  }

  /** Total size of the results kept, in bytes (as measured for `maxBytes`). */
  get bytes(): number {
    return this.#cache.calculatedSize;
  }

  /** Starts a fill of `keys`: results settled with this ticket are stored only if none was written meanwhile. */
  begin(keys: readonly string[]): FillTicket {
    const versions = keys.map((key) => {
      let fill = this.#fills.get(key);
      if (fill === undefined) {
        fill = { version: 0, holders: 0 };
        this.#fills.set(key, fill);
      }
      fill.holders += 1;
      return fill.version;
    });
    return { keys, versions, epoch: this.#epoch };
  }

  /**
   * Ends a fill; call it exactly once per ticket, whatever the outcome. Returns whether nothing
   * changed the ticket's keys since {@link FallbackMirror.begin}, i.e. whether the result may be
   * stored with {@link FallbackMirror.put}.
   */
  release(ticket: FillTicket): boolean {
    const fresh =
      ticket.epoch === this.#epoch &&
      ticket.keys.every((key, i) => this.#fills.get(key)?.version === ticket.versions[i]);
    for (const key of ticket.keys) {
      const fill = this.#fills.get(key);
      if (fill !== undefined && --fill.holders === 0) this.#fills.delete(key);
    }
    return fresh;
  }

  /**
   * Keeps `value` as the result of `signature` on `key` (a `null` or `undefined` value drops it
   * instead: the key is gone), for at most `ttlMs` when given, and never beyond the mirror's `ttl`.
   * `bytes` is its size when known (a written value's serialized length); otherwise it is estimated.
   */
  put(key: string, signature: string, value: unknown, ttlMs?: number, bytes?: number): void {
    const id = idOf(key, signature);
    if (value === null || value === undefined) {
      this.#cache.delete(id);
      return;
    }
    const ttl = ttlMs === undefined ? this.#ttlMs : Math.min(ttlMs, this.#ttlMs ?? ttlMs);
    const size = Math.max(1, bytes ?? estimateBytes(value)); // lru-cache refuses a size of 0
    this.#cache.set(id, { key, value, bytes: size }, ttl === undefined ? undefined : { ttl });
    if (!this.#cache.has(id)) {
      this.#unindex(key, id); // larger than maxBytes: lru-cache refused it (and dropped any older copy)
      return;
    }
    let ids = this.#index.get(key);
    if (ids === undefined) {
      ids = new Set();
      this.#index.set(key, ids);
    }
    ids.add(id);
  }

  /** The kept result of `signature` on `key`, if any and not expired. */
  lookup(key: string, signature: string): { readonly value: unknown } | undefined {
    const kept = this.#cache.get(idOf(key, signature));
    return kept === undefined ? undefined : { value: kept.value };
  }

  /** Drops every result of these keys, and spoils fills of them in flight. */
  invalidate(keys: readonly string[]): void {
    for (const key of keys) {
      const fill = this.#fills.get(key);
      if (fill !== undefined) fill.version += 1;
      const ids = this.#index.get(key);
      if (ids === undefined) continue;
      for (const id of [...ids]) this.#cache.delete(id);
      this.#index.delete(key);
    }
  }

  /** Drops every result whose key matches, and spoils every fill in flight. */
  invalidateMatching(matches: (key: string) => boolean): void {
    this.#epoch += 1;
    for (const key of [...this.#index.keys()]) if (matches(key)) this.invalidate([key]);
  }

  /** Drops everything, and spoils every fill in flight. */
  clear(): void {
    this.#epoch += 1;
    this.#cache.clear();
    this.#index.clear();
  }

  #unindex(key: string, id: string): void {
    const ids = this.#index.get(key);
    if (ids === undefined) return;
    ids.delete(id);
    if (ids.size === 0) this.#index.delete(key);
  }
}

/** A signature never contains NUL (JSON escapes it), so the first NUL separates it from the key. */
function idOf(key: string, signature: string): string {
  return `${signature}\u0000${key}`;
}
