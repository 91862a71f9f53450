import {
  assertKnownOptions,
  CacheEventEmitter,
  type CacheEventListener,
  CacheUnavailableError,
  type Clock,
  type ConnectionStatus,
  InvalidConfigError,
  type ObservableRepository,
  type PerformanceSummary,
  type Serializer,
} from '@forno/core';
import { BaseCacheRepository } from '@forno/core/backend';
import type { CacheMetrics } from '@forno/metrics';
import { JsonSerializer } from '@forno/serialization';
import { createContext } from './in-memory-context.js';
import { createInMemoryMetrics, inMemoryPerformanceSummary } from './in-memory-metrics.js';
import { createInMemoryRawCommands } from './in-memory-raw-commands.js';
import { InMemoryStore } from './in-memory-store.js';

/** Options of {@link InMemoryCacheRepository}. */
export interface InMemoryCacheRepositoryOptions {
  /** Prepended to every key and channel, as on Redis. */
  readonly keyPrefix?: string;
  /** Serializer for values (default JSON), so values that would not survive Redis do not survive here. */
  readonly serializer?: Serializer;
  /** Share a store between repositories, as clients share a server. Default: a new store. */
  readonly store?: InMemoryStore;
  /** Clock for TTLs of a new store (a `ManualClock` in tests). Not combinable with `store`. */
  readonly clock?: Clock;
  /** Allows `flushdb()`. */
  readonly allowFlush?: boolean;
  /** Record metrics (see `@forno/metrics`), as `RedisRepository` does: `metrics`, `getPerformanceSummary()`. */
  readonly enableMetrics?: boolean;
  /** Prefix of metric names (default `'forno'`). */
  readonly metricsPrefix?: string;
}

const OPTIONS = {
  keyPrefix: 'string',
  serializer: 'object',
  store: 'object',
  clock: 'object',
  allowFlush: 'boolean',
  enableMetrics: 'boolean',
  metricsPrefix: 'string',
} as const;

/**
 * The whole `CacheRepository` in memory, with Redis semantics: TTLs on an injectable clock,
 * WRONGTYPE errors, Redis glob patterns, sorted-set tie order, empty containers removed, values
 * through the serializer. It passes the same contract suite as `RedisRepository`, so services
 * tested on it behave the same on Redis. Usable without `connect()`; after `disconnect()` every
 * operation fails with `CacheUnavailableError` until `connect()` is called again.
 */
export class InMemoryCacheRepository
  extends BaseCacheRepository
  implements ObservableRepository<CacheMetrics>
{
  /** The store behind this repository (shared when one was passed in). */
  readonly store: InMemoryStore;
  #status: ConnectionStatus = 'ready';
  readonly #events: CacheEventEmitter;
  readonly #metrics: CacheMetrics | undefined;

  constructor(options: InMemoryCacheRepositoryOptions = {}) {
    assertKnownOptions(options, OPTIONS, 'InMemoryCacheRepository');
    if (options.store !== undefined && options.clock !== undefined) {
      throw new InvalidConfigError('options.clock', 'give the clock to the shared InMemoryStore instead');
    }
    const serializer = options.serializer ?? new JsonSerializer();
    const store =
      options.store ?? new InMemoryStore(options.clock === undefined ? {} : { clock: options.clock });
    const context = createContext(() => this!.#openStore(), serializer.format);
    const raw = createInMemoryRawCommands(context);
    const events = new CacheEventEmitter();
    const metered = createInMemoryMetrics(raw, events, options);
    super(metered?.raw ?? raw, {
      serializer,
      ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
      ...(options.allowFlush === undefined ? {} : { allowFlush: options.allowFlush }),
    });
    this.store = store;
    this.#events = events;
    this.#metrics = metered?.metrics;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** The metrics recorded with `enableMetrics: true`; `undefined` otherwise. */
  get metrics(): CacheMetrics | undefined {
    return this.#metrics;
  }

  /** Receives connection events (and, with metrics, operation events), as on `RedisRepository`. */
  onEvent(listener: CacheEventListener): () => void {
    return this.#events.onEvent(listener);
  }

  /**
   * Operations, hits, misses and hit ratio (all 0, with `metricsEnabled: false`, unless created
   * with `enableMetrics: true`), 1 active connection while connected, and the store's estimated
   * memory usage (`InMemoryStore#estimateMemoryUsage`).
   */
  async getPerformanceSummary(): Promise<PerformanceSummary> {
    return inMemoryPerformanceSummary(this.#metrics, this.#status, this.store);
  }

  async connect(): Promise<void> {
    this.#status = 'ready';
    this.#report();
  }

  async disconnect(): Promise<void> {
    this.#status = 'closed';
    this.#report();
  }

  #report(): void {
    if (this.#events.hasListeners) {
      this.#events.emit({ type: 'connection', status: this.#status, connections: 1 });
    }
  }

  #openStore(): InMemoryStore {
    if (this.#status !== 'ready') throw new CacheUnavailableError('the in-memory repository is disconnected');
    return this.store;
  }
}
