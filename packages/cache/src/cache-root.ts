import type { CacheRepository, Clock, LockBackend } from '@forno/core';
import type { TagNotice, WrittenKey } from './bus/bus-message.js';
import { type BusNotice, InvalidationBus } from './bus/invalidation-bus.js';
import type { InvalidationSource } from './bus/invalidation-source.js';
import { CacheEvents } from './cache-events.js';
import { type CacheEntry, physicalTtlOf, Stamper, stateOf, toStored } from './entry.js';
import { Epochs } from './epochs.js';
import { busChannel } from './keys.js';
import { CLONE_CODEC, serializerCodec, type ValueCodec } from './l1/handout.js';
import { type L1Node, L1Store } from './l1/l1-store.js';
import { isOutage, L2Store } from './l2/l2-store.js';
import type { InFlight } from './load/flight.js';
import { StampedeLock } from './stampede-lock.js';
import { TagRegistry } from './tag-registry.js';

/** Settings of a cache root, resolved from the constructor's options. */
export interface RootSettings {
  readonly namespace: string;
  readonly repository: (CacheRepository & LockBackend) | undefined;
  readonly l1: { readonly maxEntries: number; readonly maxTtlMs: number } | undefined;
  readonly heartbeatMs: number | undefined;
  readonly invalidation: InvalidationSource | undefined;
  readonly tagRetentionMs: number;
  readonly clock: Clock;
}

/** Keys whose factory failed recently, kept at most. */
const MAX_BACKOFFS = 10_000;

/**
 * What a cache and its child namespaces share: L1, L2, the flights in progress, per-key epochs,
 * tag states, the bus and the events. Every invalidation, whatever its source, comes through here.
 */
export class CacheRoot {
  readonly settings: RootSettings;
  readonly now: () => number;
  readonly stamper: Stamper;
  readonly l1: L1Store | undefined;
  readonly l2: L2Store | undefined;
  readonly codec: ValueCodec;
  readonly tags: TagRegistry;
  readonly epochs = new Epochs();
  readonly events: CacheEvents;
  readonly lock: StampedeLock | undefined;
  /** Flights in progress, by entry key. */
  readonly flights = new Map<string, InFlight>();
  /** Until when a key's factory is not retried (it failed and a stale value was served), by entry key. */
  readonly #backoffs = new Map<string, number>();
  /** Callbacks waiting for a key to change (stampede waiters), by entry key. */
  readonly #watchers = new Map<string, Set<() => void>>();
  readonly #bus: InvalidationBus | undefined;
  #external: Promise<(() => void | Promise<void>) | undefined> | undefined;
  #externalHealthy = false;
  #closed = false;
  /** Settles once invalidations first arrive (or at once without any): see `ready()`. */
  readonly #ready: Promise<boolean>;
  #markReady!: (ready: boolean) => void;

  constructor(settings: RootSettings) {
    this.settings = settings;
    this.#ready = new Promise((resolve) => {
      this.#markReady = resolve;
    });
    const { clock, repository } = settings;
    this.now = () => clock.now();
    this.stamper = new Stamper(this.now);
    this.l1 = settings.l1 === undefined ? undefined : new L1Store(settings.l1.maxEntries);
    this.l2 = repository === undefined ? undefined : new L2Store(repository, this.now);
    this.codec = repository === undefined ? CLONE_CODEC : serializerCodec(repository.serializer);
    this.tags = new TagRegistry(repository, settings.l1?.maxTtlMs ?? 0, settings.tagRetentionMs);
    this.events = new CacheEvents(settings.namespace);
    this.lock = repository === undefined ? undefined : new StampedeLock(repository);
    if (settings.invalidation !== undefined) {
      this.#listen(settings.invalidation);
    } else if (repository !== undefined && settings.heartbeatMs !== undefined && this.l1 !== undefined) {
      this.#bus = new InvalidationBus(repository, busChannel(settings.namespace), settings.heartbeatMs, {
        keysChanged: (keys) => this.keysChanged(keys),
        keysWritten: (written) => this.#keysWritten(written),
        tagsInvalidated: (notices) => this.#tagsInvalidated(notices),
        namespacesCleared: (namespaces) => {
          for (const namespace of namespaces) this.namespaceCleared(namespace);
        },
        everythingChanged: (reason) => this.everythingChanged(reason),
        counted: (direction) => this.events.bus(direction),
        failed: (error) => this.events.emit('bus-error', () => ({ error })),
      });
      this.#bus.start();
    }
    if (this.busState === 'off') this.#markReady(true);
  }

  /** Resolves `true` once L1 can be trusted (the bus delivers; at once without one), `false` if closed first. */
  ready(): Promise<boolean> {
    return this.#ready;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** How invalidations arrive: L1 is trusted as fresh only while `healthy` (or with none: `off`). */
  get busState(): 'healthy' | 'unhealthy' | 'off' {
    if (this.#bus !== undefined) return this.#bus.healthy ? 'healthy' : 'unhealthy';
    if (this.#external !== undefined) return this.#externalHealthy ? 'healthy' : 'unhealthy';
    return 'off';
  }

  /** The L1 node of `key` if it may answer as fresh now: trusted, fresh, and its tags agree. */
  freshL1(namespace: string, key: string, now: number): L1Node | undefined {
    const node = this.l1?.get(key);
    if (node === undefined || node.trustedUntil <= now || now >= node.entry.expiresAt) return undefined;
    if (
      this.#bus !== undefined ? !this.#bus.healthy : this.#external !== undefined && !this.#externalHealthy
    ) {
      return undefined;
    }
    if (node.entry.tags.length > 0 && this.tags.verdictNow(namespace, node.entry, now) !== 'valid')
      return undefined;
    return node;
  }

  /**
   * The L1 entry of `key` as a fallback when L2 cannot answer: anything not past its grace whose
   * tags are not known to be deleted, trusted or not.
   */
  fallbackL1(namespace: string, key: string, now: number): CacheEntry | undefined {
    const entry = this.l1?.peek(key)?.entry;
    if (entry === undefined || stateOf(entry, now) === 'dead') return undefined;
    if (entry.tags.length > 0 && this.tags.verdictNow(namespace, entry, now) === 'deleted') {
      return undefined;
    }
    return entry;
  }

  /**
   * Puts `entry` (of `namespace`) in L1, trusted for `l1.maxTtl`. A tagged entry is an L1 hit only
   * once its tags' states are known: they are read from L2 now, in the background, if they are not.
   */
  fill(namespace: string, key: string, entry: CacheEntry): void {
    const l1 = this.l1;
    if (l1 === undefined) return;
    const now = this.now();
    if (stateOf(entry, now) === 'dead') {
      l1.delete(key);
      return;
    }
    l1.set(key, { entry, trustedUntil: now + this.settings.l1!.maxTtlMs, used: false });
    if (
      entry.tags.length > 0 &&
      this.l2 !== undefined &&
      this.tags.verdictNow(namespace, entry, now) === undefined
    ) {
      this.tags.judge(namespace, entry, now).catch(() => {});
    }
  }

  /** Writes `entry` (whose value is `value`) to L2 and tells the other processes. */
  async write(key: string, value: unknown, entry: CacheEntry): Promise<void> {
    const l2 = this.l2;
    if (l2 === undefined) return;
    const ttl = physicalTtlOf(entry, this.now(), this.settings.tagRetentionMs);
    if (ttl > 0) await l2.write(key, toStored(value, entry), ttl);
    else await l2.delete([key]);
    await this.publish({ written: [[key, entry.createdAt]] });
  }

  /** Tells the other processes (no-op without a bus). */
  publish(notice: BusNotice): Promise<void> {
    return this.#bus?.publish(notice) ?? Promise.resolve();
  }

  /** Reports an L2 failure that the cache absorbed. */
  l2Failed(namespace: string, operation: string, error: unknown): void {
    this.events.emit('l2-error', () => ({ namespace, operation, error }));
  }

  /** Whether `key`'s factory is backing off after a failure. */
  backingOff(key: string, now: number): boolean {
    const until = this.#backoffs.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#backoffs.delete(key);
    return false;
  }

  /** `key`'s factory failed and a stale value was served: do not retry it for `ms`. */
  backOff(key: string, ms: number): void {
    if (ms <= 0) return;
    this.#backoffs.delete(key);
    this.#backoffs.set(key, this.now() + ms);
    if (this.#backoffs.size > MAX_BACKOFFS) this.#backoffs.delete(this.#backoffs.keys().next().value!);
  }

  /** `key`'s factory succeeded. */
  recovered(key: string): void {
    this.#backoffs.delete(key);
  }

  /** Calls `onChange` when `key` changes (written elsewhere, deleted...), until the returned function is called. */
  watch(key: string, onChange: () => void): () => void {
    let watchers = this.#watchers.get(key);
    if (watchers === undefined) {
      watchers = new Set();
      this.#watchers.set(key, watchers);
    }
    const own = () => onChange();
    watchers.add(own);
    return () => {
      watchers.delete(own);
      if (watchers.size === 0 && this.#watchers.get(key) === watchers) this.#watchers.delete(key);
    };
  }

  /** Entry keys changed in this process or another: L1 and reads in progress forget them. */
  keysChanged(keys: readonly string[]): void {
    for (const key of keys) {
      if (key.startsWith('#')) {
        // A namespace's tag set (`#<namespace>:tags`), as an external source reports it.
        const end = key.lastIndexOf(':');
        if (end > 1) this.tags.forgetNamespace(key.slice(1, end));
        continue;
      }
      this.l1?.delete(key);
      this.epochs.invalidate(key);
      this.#wake(key);
    }
  }

  /** A namespace (and its children) was cleared. */
  namespaceCleared(namespace: string): void {
    this.l1?.deletePrefix(`${namespace}:`);
    this.epochs.invalidateAll();
  }

  /**
   * Invalidations may have been lost: L1 and what is known of tags start afresh. (`subscribed`: the
   * bus delivers for the first time; nothing was trusted before, so this is no reset to report.)
   */
  everythingChanged(reason: 'gap' | 'resubscribed' | 'subscribed' | 'external'): void {
    this.l1?.clear();
    this.tags.forgetAll();
    this.epochs.invalidateAll();
    if (reason === 'subscribed') {
      this.#markReady(true);
      return;
    }
    this.events.bus('reset');
    this.events.emit('bus-reset', () => ({ reason }));
  }

  /** Stops the bus (or the external source) and timers; never closes the repository. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#markReady(false);
    this.l1?.clear();
    const external = this.#external;
    this.#external = undefined;
    await Promise.all([
      this.#bus?.close(),
      external?.then(async (stop) => {
        await stop?.();
      }),
    ]).catch(() => {});
  }

  /**
   * Another process wrote keys: an L1 entry that already holds the version written stays, and a
   * read in flight that brings that version back may still cache it.
   */
  #keysWritten(written: readonly WrittenKey[]): void {
    for (const [key, version] of written) {
      if (this.l1?.peek(key)?.entry.createdAt !== version) this.l1?.delete(key);
      this.epochs.invalidate(key, version);
      this.#wake(key);
    }
  }

  #wake(key: string): void {
    const watchers = this.#watchers.get(key);
    if (watchers !== undefined) for (const wake of [...watchers]) wake();
  }

  #tagsInvalidated(notices: readonly TagNotice[]): void {
    for (const [namespace, tag, kind, at] of notices) this.tags.note(namespace, tag, kind, at);
  }

  #listen(source: InvalidationSource): void {
    const subscription = Promise.resolve()
      .then(() =>
        source.subscribe({
          keysChanged: (keys) => this.keysChanged(keys),
          everythingChanged: () => this.everythingChanged('external'),
        }),
      )
      .then(
        (stop) => {
          this.#externalHealthy = true;
          this.#markReady(true);
          return stop;
        },
        (error: unknown) => {
          this.events.emit('bus-error', () => ({ error }));
          return undefined;
        },
      );
    this.#external = subscription;
  }
}

export { isOutage };
