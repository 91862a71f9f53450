import { type CacheError, InvalidArgumentError } from './errors.js';

/** Connection state of a repository, as reported by `status` and connection events. */
export type ConnectionStatus = 'disconnected' | 'connecting' | 'ready' | 'reconnecting' | 'closed';

/** How a cache operation ended: reads report `hit`/`miss`, other successes report `ok`. */
export type OperationOutcome = 'hit' | 'miss' | 'ok' | 'error';

/** Circuit breaker states, shared so metrics can read them without depending on resilience. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Everything observable that Forno packages report. Packages emit these; `@forno/metrics` (or your
 * own listener) consumes them, so no package depends on metrics.
 */
export type CacheEvent =
  | {
      readonly type: 'operation';
      /** Command name as the repository spells it, e.g. `get`, `hset`, `deletePattern`. */
      readonly operation: string;
      readonly outcome: OperationOutcome;
      readonly durationMs: number;
      /** Number of keys found, for multi-key reads (`mget`): lets metrics count hits per key. */
      readonly hits?: number;
      readonly misses?: number;
      readonly error?: CacheError;
    }
  | { readonly type: 'connection'; readonly status: ConnectionStatus; readonly connections: number }
  | { readonly type: 'circuit'; readonly state: CircuitState; readonly previous: CircuitState }
  | { readonly type: 'retry'; readonly attempt: number; readonly delayMs: number; readonly error: unknown }
  | {
      /** A read failed because the backend was unavailable or slow, and a fallback was consulted. */
      readonly type: 'fallback';
      /** Command name as the repository spells it, e.g. `get`, `hgetall`. */
      readonly operation: string;
      /** The key read (the first one, for multi-key reads), relative to the prefix. */
      readonly key: string;
      /** `true`: a stale copy was served; `false`: none was kept, and the error was rethrown. */
      readonly hit: boolean;
      /** The outage error that triggered the fallback (`CacheUnavailableError`, `CacheTimeoutError`…). */
      readonly error: unknown;
    }
  | {
      readonly type: 'lock';
      readonly action: 'acquired' | 'waited' | 'timeout' | 'lost' | 'released' | 'extended';
      readonly key: string;
      /** Time spent waiting (acquired/timeout) or holding (released), when known. */
      readonly durationMs?: number;
    }
  | HybridCacheEvent;

/**
 * What a hybrid cache (`@forno/cache`) reports: how each lookup was answered, each factory run,
 * each invalidation message sent or received, and each reset of its in-process layer (messages
 * may have been lost). `cache` is the root namespace of the cache, never a key, so metrics stay
 * bounded however many keys or child namespaces there are.
 */
export type HybridCacheEvent =
  | {
      readonly type: 'hybrid-cache';
      readonly action: 'lookup';
      readonly cache: string;
      /** `l1-hit` (in-process), `l2-hit` (repository), `miss`, or `stale` (a stale value served). */
      readonly result: 'l1-hit' | 'l2-hit' | 'miss' | 'stale';
    }
  | {
      readonly type: 'hybrid-cache';
      readonly action: 'factory';
      readonly cache: string;
      /** `ok`, `error` (it threw) or `timeout` (abandoned at the hard timeout). */
      readonly result: 'ok' | 'error' | 'timeout';
      readonly durationMs: number;
    }
  | {
      readonly type: 'hybrid-cache';
      readonly action: 'bus';
      readonly cache: string;
      /** `out`: an invalidation published; `in`: one received from another process; `reset`: the in-process layer was cleared because messages may have been lost. */
      readonly direction: 'in' | 'out' | 'reset';
    };

/**
 * A function that receives {@link CacheEvent}s. Must not throw; errors it throws (or rejections of
 * the promise it returns, for an async listener) are ignored.
 */
export type CacheEventListener = (event: CacheEvent) => void;

/** Something that reports {@link CacheEvent}s to listeners. */
export interface CacheEventSource {
  /** Adds a listener; returns a function that removes it. */
  onEvent(listener: CacheEventListener): () => void;
}

/**
 * A minimal listener registry implementing {@link CacheEventSource}. Emitting with no listeners
 * costs one length check, so instrumentation that nobody listens to is free.
 */
export class CacheEventEmitter implements CacheEventSource {
  #listeners: CacheEventListener[] = [];

  /**
   * Adds a listener; returns a function that removes it. Each call is its own subscription: adding
   * the same function twice delivers events twice, and each returned function removes only its own.
   */
  onEvent(listener: CacheEventListener): () => void {
    if (typeof listener !== 'function') throw new InvalidArgumentError('listener', 'expected a function');
    const subscription: CacheEventListener = (event) => listener(event);
    this.#listeners = [...this.#listeners, subscription];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== subscription);
    };
  }

  /** True when at least one listener is registered; check it before building an event. */
  get hasListeners(): boolean {
    return this.#listeners.length > 0;
  }

  /** Delivers `event` to every listener, isolating the emitter from listener errors. */
  emit(event: CacheEvent): void {
    for (const listener of this.#listeners) notifySafely(listener, event);
  }
}

/**
 * Calls `listener(event)` so that nothing it does can break the caller: a throw is swallowed, and
 * so is the rejection of the promise an async listener returns (it must not become an unhandled
 * rejection). Use it wherever a library calls user-supplied listeners.
 */
export function notifySafely<E>(listener: (event: E) => unknown, event: E): void {
  try {
    const result: unknown = listener(event);
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
      Promise.resolve(result).catch(ignore);
    }
  } catch {
    // A broken listener must never break the operation that notified it.
  }
}

function ignore(): void {}
