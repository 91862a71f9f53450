import { describeValue } from '../duration.js';
import { InvalidArgumentError } from '../errors.js';
import type { CacheEventListener, ConnectionStatus } from '../instrumentation.js';
import type { Serializer } from '../serializer.js';
import type { CacheRepository } from './cache-repository.js';
import { type CommandInvoker, ForwardingCommands } from './forwarding-commands.js';
import type { CacheBackend, PerformanceSummary } from './observable-repository.js';
import type { HashScanOptions, MemberScanOptions, ScanOptions, ScoredMember } from './options.js';

/** Throws `InvalidArgumentError` (naming `argument`) unless `value` looks like a `CacheRepository`. */
export function assertCacheRepository(value: unknown, argument = 'inner'): asserts value is CacheRepository {
  if (typeof (value as Partial<CacheRepository> | null)?.get !== 'function') {
    throw new InvalidArgumentError(argument, `expected a CacheRepository, got ${describeValue(value)}`);
  }
}

/**
 * Base of a {@link CacheBackend} that wraps another one (the chaos wrapper, the resilient
 * repository): every command, data and lock alike, goes to the `invoke` function given to the
 * constructor, and
 * `keyPrefix`, `serializer`, `status`, `connect`, `disconnect` and `scan` are the inner
 * repository's unless a subclass overrides them. So is what can be observed
 * (`ObservableRepository` of `@forno/core`: `onEvent`, `metrics`, `getPerformanceSummary`), typed after the
 * inner repository: `new ResilientCacheRepository(redis).metrics` is `redis.metrics`.
 */
export abstract class CacheRepositoryDecorator<TInner extends CacheBackend = CacheBackend>
  extends ForwardingCommands
  implements CacheBackend<TInner['metrics']>
{
  /** The wrapped repository. */
  readonly inner: TInner;

  /** Throws `InvalidArgumentError` unless `inner` is a {@link CacheBackend}. */
  constructor(inner: TInner, invoke: CommandInvoker) {
    assertCacheRepository(inner);
    if (
      typeof inner.setIfAbsent !== 'function' ||
      typeof inner.onEvent !== 'function' ||
      typeof inner.getPerformanceSummary !== 'function'
    ) {
      throw new InvalidArgumentError(
        'inner',
        'expected a CacheBackend (the data commands, the lock backend, onEvent, metrics, getPerformanceSummary)',
      );
    }
    super(invoke);
    this.inner = inner;
  }

  /** The inner repository's metrics. */
  get metrics(): TInner['metrics'] {
    return this.inner.metrics;
  }

  /** The inner repository's performance summary. */
  getPerformanceSummary(): Promise<PerformanceSummary> {
    return this.inner.getPerformanceSummary();
  }

  /** Adds a listener to the inner repository's events; returns a function that removes it. */
  onEvent(listener: CacheEventListener): () => void {
    return this.inner.onEvent(listener);
  }

  /** The inner repository's prefix. */
  get keyPrefix(): string {
    return this.inner.keyPrefix;
  }

  /** The inner repository's serializer. */
  get serializer(): Serializer {
    return this.inner.serializer;
  }

  /** The inner repository's connection status. */
  get status(): ConnectionStatus {
    return this.inner.status;
  }

  /** Connects the inner repository. */
  connect(): Promise<void> {
    return this.inner.connect();
  }

  /** Disconnects the inner repository. */
  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }

  /** The inner repository's `scan`. */
  scan(pattern?: string, options?: ScanOptions): AsyncIterable<string> {
    return this.inner.scan(pattern, options);
  }

  /** The inner repository's `hscan`. */
  hscan<T = unknown>(key: string, options?: HashScanOptions): AsyncIterable<[field: string, value: T]> {
    return this.inner.hscan<T>(key, options);
  }

  /** The inner repository's `sscan`. */
  sscan<T = unknown>(key: string, options?: MemberScanOptions): AsyncIterable<T> {
    return this.inner.sscan<T>(key, options);
  }

  /** The inner repository's `zscan`. */
  zscan<T = unknown>(key: string, options?: MemberScanOptions): AsyncIterable<ScoredMember<T>> {
    return this.inner.zscan<T>(key, options);
  }

  /** Disconnects, so `await using repo = ...` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.disconnect();
  }
}
