import {
  CacheEventEmitter,
  type CacheEventListener,
  type CacheEventSource,
  InvalidArgumentError,
  notifySafely,
} from '@forno/core';

/** Why a stale value was served. */
export type StaleReason =
  | 'factory-error'
  | 'soft-timeout'
  | 'hard-timeout'
  | 'l2-unavailable'
  | 'backoff'
  | 'lock-timeout';

/** The events of a {@link HybridCache}, by name, with what their listeners receive. */
export interface HybridCacheEventMap {
  /** A lookup answered with a fresh value from L1 (in-process) or L2 (the repository). */
  hit: { readonly namespace: string; readonly key: string; readonly layer: 'l1' | 'l2' };
  /** A lookup found no fresh value (a factory ran, or `get` answered `null`). */
  miss: { readonly namespace: string; readonly key: string };
  /** A stale value was served instead of a fresh one (fail-safe). */
  stale: { readonly namespace: string; readonly key: string; readonly reason: StaleReason };
  /** A factory threw or timed out (`FactoryTimeoutError`). */
  'factory-error': { readonly namespace: string; readonly key: string; readonly error: unknown };
  /** An eager refresh started in the background. */
  refresh: { readonly namespace: string; readonly key: string };
  /** The repository failed a read or write that the cache absorbed (the fail-safe, or a write-back). */
  'l2-error': { readonly namespace: string; readonly operation: string; readonly error: unknown };
  /** The bus could not publish or subscribe. */
  'bus-error': { readonly error: unknown };
  /** L1 was cleared because invalidations may have been lost (`gap`: a message went missing; `resubscribed`: the subscription came back; `external`: the invalidation source said so). */
  'bus-reset': { readonly reason: 'gap' | 'resubscribed' | 'external' };
}

/** Name of a {@link HybridCacheEventMap} event. */
export type HybridCacheEventName = keyof HybridCacheEventMap;

/** A listener of event `E`. */
export type HybridCacheListener<E extends HybridCacheEventName> = (event: HybridCacheEventMap[E]) => void;

/** Counters a cache keeps for `stats()`, whatever listens. */
interface Counters {
  l1Hits: number;
  l2Hits: number;
  misses: number;
  stale: number;
  factoryCalls: number;
  factoryErrors: number;
  busIn: number;
  busOut: number;
  busResets: number;
}

/** A snapshot of a cache's counters (all namespaces of one root). */
export interface HybridCacheStats {
  /** Lookups (`get`, `getOrSet`, each key of `getOrSetMany`) answered from L1. */
  readonly l1Hits: number;
  /** Lookups answered from L2. */
  readonly l2Hits: number;
  /** Lookups that found no fresh value. */
  readonly misses: number;
  /** Lookups answered with a stale value. */
  readonly staleServed: number;
  readonly factoryCalls: number;
  readonly factoryErrors: number;
  /** L1 hits ÷ lookups (0 before the first). */
  readonly l1HitRatio: number;
  /** L2 hits ÷ lookups that reached L2 (0 before the first). */
  readonly l2HitRatio: number;
  /** Entries in L1 now. */
  readonly l1Entries: number;
  readonly bus: {
    /** `healthy`: invalidations arrive, L1 is trusted; `unhealthy`: L1 not trusted until they do; `off`: none (L1 bounded by `l1.maxTtl`). */
    readonly state: 'healthy' | 'unhealthy' | 'off';
    readonly messagesIn: number;
    readonly messagesOut: number;
    readonly resets: number;
  };
}

type AnyListener = (event: never) => void;

/**
 * The events, counters and metrics of one cache root, shared by its namespaces. Named events go to
 * `on()` listeners; {@link CacheEventSource} events (no keys, only the root namespace) go to
 * `@forno/metrics`. Nothing is built for nobody: each emit first checks for listeners.
 */
export class CacheEvents implements CacheEventSource {
  readonly #cache: string;
  readonly #listeners = new Map<HybridCacheEventName, Set<AnyListener>>();
  readonly #metrics = new CacheEventEmitter();
  readonly #counters: Counters = {
    l1Hits: 0,
    l2Hits: 0,
    misses: 0,
    stale: 0,
    factoryCalls: 0,
    factoryErrors: 0,
    busIn: 0,
    busOut: 0,
    busResets: 0,
  };

  constructor(rootNamespace: string) {
    this.#cache = rootNamespace;
  }

  /** Adds a listener; returns a function that removes it. */
  on<E extends HybridCacheEventName>(name: E, listener: HybridCacheListener<E>): () => void {
    if (typeof listener !== 'function') throw new InvalidArgumentError('listener', 'expected a function');
    let listeners = this.#listeners.get(name);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(name, listeners);
    }
    const own: AnyListener = (event) => listener(event);
    listeners.add(own);
    return () => {
      listeners.delete(own);
    };
  }

  /** `CacheEventSource`: `hybrid-cache` events for `@forno/metrics` (`metrics.attach(cache)`). */
  onEvent(listener: CacheEventListener): () => void {
    return this.#metrics.onEvent(listener);
  }

  emit<E extends HybridCacheEventName>(name: E, event: () => HybridCacheEventMap[E]): void {
    const listeners = this.#listeners.get(name);
    if (listeners === undefined || listeners.size === 0) return;
    const payload = event();
    for (const listener of listeners) notifySafely(listener as HybridCacheListener<E>, payload);
  }

  /** A lookup answered: counts it and reports it. */
  lookup(
    namespace: string,
    key: string,
    result: 'l1-hit' | 'l2-hit' | 'miss' | 'stale',
    reason?: StaleReason,
  ): void {
    const counters = this.#counters;
    if (result === 'l1-hit') {
      counters.l1Hits++;
      this.emit('hit', () => ({ namespace, key, layer: 'l1' }));
    } else if (result === 'l2-hit') {
      counters.l2Hits++;
      this.emit('hit', () => ({ namespace, key, layer: 'l2' }));
    } else if (result === 'miss') {
      counters.misses++;
      this.emit('miss', () => ({ namespace, key }));
    } else {
      counters.stale++;
      this.emit('stale', () => ({ namespace, key, reason: reason ?? 'factory-error' }));
    }
    if (this.#metrics.hasListeners) {
      this.#metrics.emit({ type: 'hybrid-cache', action: 'lookup', cache: this.#cache, result });
    }
  }

  /** A factory settled. */
  factory(
    namespace: string,
    key: string,
    result: 'ok' | 'error' | 'timeout',
    durationMs: number,
    error?: unknown,
  ): void {
    this.#counters.factoryCalls++;
    if (result !== 'ok') {
      this.#counters.factoryErrors++;
      this.emit('factory-error', () => ({ namespace, key, error }));
    }
    if (this.#metrics.hasListeners) {
      this.#metrics.emit({ type: 'hybrid-cache', action: 'factory', cache: this.#cache, result, durationMs });
    }
  }

  /** A bus message in or out, or a reset of L1. */
  bus(direction: 'in' | 'out' | 'reset'): void {
    if (direction === 'in') this.#counters.busIn++;
    else if (direction === 'out') this.#counters.busOut++;
    else this.#counters.busResets++;
    if (this.#metrics.hasListeners) {
      this.#metrics.emit({ type: 'hybrid-cache', action: 'bus', cache: this.#cache, direction });
    }
  }

  /** The counters as {@link HybridCacheStats}. */
  stats(l1Entries: number, bus: 'healthy' | 'unhealthy' | 'off'): HybridCacheStats {
    const c = this.#counters;
    const lookups = c.l1Hits + c.l2Hits + c.misses + c.stale;
    const reachedL2 = lookups - c.l1Hits;
    return {
      l1Hits: c.l1Hits,
      l2Hits: c.l2Hits,
      misses: c.misses,
      staleServed: c.stale,
      factoryCalls: c.factoryCalls,
      factoryErrors: c.factoryErrors,
      l1HitRatio: lookups === 0 ? 0 : c.l1Hits / lookups,
      l2HitRatio: reachedL2 === 0 ? 0 : c.l2Hits / reachedL2,
      l1Entries,
      bus: { state: bus, messagesIn: c.busIn, messagesOut: c.busOut, resets: c.busResets },
    };
  }
}
