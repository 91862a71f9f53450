import { InvalidArgumentError, isCacheError } from '../errors.js';
import type { CacheEvent, CacheEventEmitter } from '../instrumentation.js';
import type { CacheRepository } from './cache-repository.js';
import { COMMAND_NAMES, type CommandName, commandRow, type MetricKind } from './command-table.js';

/** Every data operation of a {@link CacheRepository}: the commands the table reports on. */
export type InstrumentedOperation = Exclude<CommandName, 'ping' | 'flushdb'>;

/** How an instrumented operation reports its outcome: a reported {@link MetricKind}. */
export type OperationKind = Exclude<MetricKind, 'none'>;

/**
 * The operations {@link instrumentRepository} times, and how each reports its outcome, read from
 * the command table. Server commands (`ping`, `flushdb`) are not cache operations and are left
 * out, so periodic health checks do not count as traffic.
 */
export const INSTRUMENTED_OPERATIONS: Readonly<Record<InstrumentedOperation, OperationKind>> =
  Object.fromEntries(
    COMMAND_NAMES.flatMap((name) => {
      const { metric } = commandRow(name);
      return metric === 'none' ? [] : [[name, metric]];
    }),
  ) as Record<InstrumentedOperation, OperationKind>;

/** Options of {@link instrumentRepository}. */
export interface InstrumentRepositoryOptions {
  /** Monotonic clock in milliseconds used to time operations (default `performance.now`). */
  readonly now?: () => number;
}

const INSTRUMENTED = Symbol.for('forno.instrumented');
/** `performance.now`, bound once: cheaper per call than looking the global up every time. */
const monotonicNow: () => number = performance.now.bind(performance);

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type OperationEvent = Extract<CacheEvent, { type: 'operation' }>;

/** Mutable state shared by the wrappers of one repository. */
interface WrapState {
  readonly emitter: CacheEventEmitter;
  readonly now: () => number;
  /**
   * How many wrapped calls are running their synchronous part. A wrapped method that another one
   * calls synchronously (`zrevrange` calls `zrange`) is not counted twice: only the outer call is.
   */
  depth: number;
}

/**
 * Times every data operation of one repository instance and reports each as an `operation`
 * {@link CacheEvent} on `emitter`: `hit`/`miss` for reads, `ok` otherwise, `error` with the
 * `CacheError` when the operation fails. It replaces the instance's methods with wrappers (own
 * properties shadowing the prototype's), so repositories that are not instrumented run the
 * prototype's methods untouched: instrumentation that is off costs nothing. While `emitter` has no
 * listeners, the wrappers call straight through without reading the clock.
 *
 * Returns a function that removes the wrappers again. Instrumenting an instance twice throws.
 *
 * ```ts
 * const events = new CacheEventEmitter();
 * instrumentRepository(repository, events);
 * events.onEvent((event) => console.log(event)); // { type: 'operation', operation: 'get', outcome: 'miss', ... }
 * ```
 */
export function instrumentRepository(
  repository: CacheRepository,
  emitter: CacheEventEmitter,
  options: InstrumentRepositoryOptions = {},
): () => void {
  const target = repository as unknown as Record<string | symbol, unknown>;
  if (repository === null || typeof repository !== 'object') {
    throw new InvalidArgumentError('repository', 'expected a cache repository');
  }
  if (Object.hasOwn(target, INSTRUMENTED)) {
    throw new InvalidArgumentError('repository', 'this repository is already instrumented');
  }
  const now = options.now ?? monotonicNow;
  if (typeof now !== 'function') throw new InvalidArgumentError('options.now', 'expected a function');
  const state: WrapState = { emitter, now, depth: 0 };
  const wrappers = new Map<string, AnyFunction>();
  for (const [name, kind] of Object.entries(INSTRUMENTED_OPERATIONS)) {
    const original = target[name];
    if (typeof original !== 'function') continue;
    const wrapper =
      kind === 'iterate'
        ? wrapIteration(name, original as AnyFunction, state)
        : wrapPromise(name, kind, original as AnyFunction, state);
    Object.defineProperty(target, name, { value: wrapper, configurable: true, writable: true });
    wrappers.set(name, wrapper);
  }
  Object.defineProperty(target, INSTRUMENTED, { value: true, configurable: true });
  return () => {
    for (const [name, wrapper] of wrappers) {
      if (target[name] === wrapper) delete target[name];
    }
    wrappers.clear();
    delete target[INSTRUMENTED];
  };
}

function wrapPromise(
  name: string,
  kind: Exclude<OperationKind, 'iterate'>,
  original: AnyFunction,
  state: WrapState,
): AnyFunction {
  return function instrumented(this: unknown, ...args: unknown[]): unknown {
    if (state.depth > 0 || !state.emitter.hasListeners) return original.apply(this, args);
    const started = state.now();
    let result: unknown;
    state.depth++;
    try {
      result = original.apply(this, args);
    } catch (error) {
      state.emitter.emit(failure(name, error, state.now() - started));
      throw error;
    } finally {
      state.depth--;
    }
    if (!(result instanceof Promise)) return result;
    return result.then(
      (value: unknown) => {
        state.emitter.emit(success(name, kind, value, state.now() - started));
        return value;
      },
      (error: unknown) => {
        state.emitter.emit(failure(name, error, state.now() - started));
        throw error;
      },
    );
  };
}

function wrapIteration(name: string, original: AnyFunction, state: WrapState): AnyFunction {
  return function instrumented(this: unknown, ...args: unknown[]): unknown {
    if (state.depth > 0 || !state.emitter.hasListeners) return original.apply(this, args);
    return timeIteration(name, original.apply(this, args) as AsyncIterable<unknown>, state);
  };
}

async function* timeIteration(
  name: string,
  inner: AsyncIterable<unknown>,
  state: WrapState,
): AsyncGenerator<unknown, void, undefined> {
  const started = state.now();
  let error: unknown;
  let failed = false;
  try {
    yield* inner;
  } catch (thrown) {
    failed = true;
    error = thrown;
    throw thrown;
  } finally {
    // Also reached when the consumer stops early (`break`): the scan then ended without error.
    const durationMs = state.now() - started;
    state.emitter.emit(
      failed ? failure(name, error, durationMs) : success(name, 'command', undefined, durationMs),
    );
  }
}

function success(
  operation: string,
  kind: Exclude<OperationKind, 'iterate'>,
  value: unknown,
  durationMs: number,
): OperationEvent {
  switch (kind) {
    case 'read':
      return { type: 'operation', operation, outcome: value === null ? 'miss' : 'hit', durationMs };
    case 'hashRead':
      return { type: 'operation', operation, outcome: isEmptyRecord(value) ? 'miss' : 'hit', durationMs };
    case 'multiRead': {
      const values = value as readonly unknown[];
      let misses = 0;
      for (const item of values) if (item === null) misses++;
      return {
        type: 'operation',
        operation,
        outcome: 'ok',
        durationMs,
        hits: values.length - misses,
        misses,
      };
    }
    default:
      return { type: 'operation', operation, outcome: 'ok', durationMs };
  }
}

function failure(operation: string, error: unknown, durationMs: number): OperationEvent {
  return isCacheError(error)
    ? { type: 'operation', operation, outcome: 'error', durationMs, error }
    : { type: 'operation', operation, outcome: 'error', durationMs };
}

function isEmptyRecord(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  for (const _ in value) return false;
  return true;
}
