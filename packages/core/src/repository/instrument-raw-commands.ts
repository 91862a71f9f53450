import { InvalidArgumentError, isCacheError } from '../errors.js';
import type { CacheEvent, CacheEventEmitter } from '../instrumentation.js';
import { COMMAND_NAMES, type CommandName, commandRow, type MetricKind } from './command-table.js';
import type { RawCommandName, RawCommands } from './raw-commands.js';

/** How an instrumented raw command reports its outcome: a reported {@link MetricKind}. */
export type OperationKind = Exclude<MetricKind, 'none'>;

/** What a raw command is reported as: the repository command it belongs to, and how. */
export interface ReportedOperation {
  /** The operation label: the first command of the table that sends the raw command. */
  readonly operation: CommandName;
  readonly kind: OperationKind;
}

/**
 * Every raw command that metrics time, with the operation it is reported as: the first row of the
 * command table that sends it (`unlink` → `delete`, `pexpire` → `expire`, `zrangeWithScores` →
 * `zrange`). Raw commands of rows whose metric is `none` (`ping`, `flushdb`) are left out, so
 * health checks do not count as traffic.
 */
export const RAW_OPERATIONS: ReadonlyMap<RawCommandName, ReportedOperation> = reportedOperations();

/** Options of {@link instrumentRawCommands}. */
export interface InstrumentRawCommandsOptions {
  /** Monotonic clock in milliseconds used to time operations (default `performance.now`). */
  readonly now?: () => number;
}

/** `performance.now`, bound once: cheaper per call than looking the global up every time. */
const monotonicNow: () => number = performance.now.bind(performance);

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type OperationEvent = Extract<CacheEvent, { type: 'operation' }>;

/**
 * A {@link RawCommands} that times every call of `raw` listed in {@link RAW_OPERATIONS} and reports
 * it as an `operation` {@link CacheEvent} on `emitter`: `hit`/`miss` for reads, `ok` otherwise,
 * `error` with the `CacheError` when the command fails. A backend built with metrics hands this
 * to `BaseCacheRepository` instead of `raw`, so the repository's methods are the prototype's (what
 * go-to-definition shows is what runs), and a backend without metrics uses `raw` itself: metrics
 * that are off cost nothing. While `emitter` has no listeners, calls go straight through without
 * reading the clock. `raw` itself is not changed.
 *
 * ```ts
 * const events = new CacheEventEmitter();
 * super(instrumentRawCommands(raw, events), options); // in a backend's constructor
 * events.onEvent((event) => console.log(event)); // { type: 'operation', operation: 'get', outcome: 'miss', ... }
 * ```
 */
export function instrumentRawCommands(
  raw: RawCommands,
  emitter: CacheEventEmitter,
  options: InstrumentRawCommandsOptions = {},
): RawCommands {
  if (raw === null || typeof raw !== 'object') {
    throw new InvalidArgumentError('raw', 'expected the raw commands of a backend');
  }
  const now = options.now ?? monotonicNow;
  if (typeof now !== 'function') throw new InvalidArgumentError('options.now', 'expected a function');
  const instrumented: Record<string, AnyFunction> = {};
  for (const name of RAW_COMMAND_NAMES) {
    const original = raw[name] as unknown as AnyFunction;
    if (typeof original !== 'function') {
      throw new InvalidArgumentError('raw', `expected a function ${name}, got ${typeof original}`);
    }
    const reported = RAW_OPERATIONS.get(name);
    instrumented[name] =
      reported === undefined
        ? original.bind(raw)
        : reported.kind === 'iterate'
          ? timeIteration(reported.operation, original, raw, emitter, now)
          : timePromise(reported.operation, reported.kind, original, raw, emitter, now);
  }
  return instrumented as unknown as RawCommands;
}

/** Every raw command, read from the table (each one is sent by some row). */
const RAW_COMMAND_NAMES: readonly RawCommandName[] = [
  ...new Set(COMMAND_NAMES.flatMap((name) => commandRow(name).raw)),
];

function reportedOperations(): Map<RawCommandName, ReportedOperation> {
  const reported = new Map<RawCommandName, ReportedOperation>();
  const seen = new Set<RawCommandName>();
  for (const operation of COMMAND_NAMES) {
    const { metric, raw } = commandRow(operation);
    for (const name of raw) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (metric !== 'none') reported.set(name, { operation, kind: metric });
    }
  }
  return reported;
}

function timePromise(
  operation: string,
  kind: Exclude<OperationKind, 'iterate'>,
  original: AnyFunction,
  raw: RawCommands,
  emitter: CacheEventEmitter,
  now: () => number,
): AnyFunction {
  return function instrumented(...args: unknown[]): unknown {
    if (!emitter.hasListeners) return original.apply(raw, args);
    const started = now();
    let result: unknown;
    try {
      result = original.apply(raw, args);
    } catch (error) {
      emitter.emit(failure(operation, error, now() - started));
      throw error;
    }
    if (!(result instanceof Promise)) return result;
    return result.then(
      (value: unknown) => {
        emitter.emit(success(operation, kind, value, now() - started));
        return value;
      },
      (error: unknown) => {
        emitter.emit(failure(operation, error, now() - started));
        throw error;
      },
    );
  };
}

function timeIteration(
  operation: string,
  original: AnyFunction,
  raw: RawCommands,
  emitter: CacheEventEmitter,
  now: () => number,
): AnyFunction {
  return function instrumented(...args: unknown[]): unknown {
    const batches = original.apply(raw, args) as AsyncIterable<unknown>;
    return emitter.hasListeners ? timed(operation, batches, emitter, now) : batches;
  };
}

async function* timed(
  operation: string,
  inner: AsyncIterable<unknown>,
  emitter: CacheEventEmitter,
  now: () => number,
): AsyncGenerator<unknown, void, undefined> {
  const started = now();
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
    const durationMs = now() - started;
    emitter.emit(
      failed ? failure(operation, error, durationMs) : success(operation, 'command', undefined, durationMs),
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
      // A raw `hgetall` answers its fields as an array of pairs: empty for a missing hash.
      return {
        type: 'operation',
        operation,
        outcome: (value as readonly unknown[]).length === 0 ? 'miss' : 'hit',
        durationMs,
      };
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
