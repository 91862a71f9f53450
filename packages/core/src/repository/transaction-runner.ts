import { ForbiddenOperationError, InvalidArgumentError, TransactionConflictError } from '../errors.js';
import type { RawCall, RawCommandName, RawCommands, RawWatch } from './raw-commands.js';
import {
  TRANSACTION_COMMANDS,
  type TransactionCommands,
  type TransactionResult,
  type WatchScope,
} from './transaction-commands.js';

/** What a transaction needs from the repository that runs it. */
export interface TransactionHost {
  /** The repository's backend: it runs `EXEC`. */
  readonly raw: RawCommands;
  /** A repository with the host's prefix and serializer over `raw`, whose commands are queued. */
  queued(raw: RawCommands): TransactionCommands;
}

interface QueuedCall extends RawCall {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface RepositoryCall {
  readonly promise: Promise<unknown>;
  /** How many raw calls it queued: 0 when it failed validation or answered locally (`delete()`). */
  readonly queued: number;
}

const ignore = (): void => {};

/**
 * Runs one transaction: `build` queues repository calls on a repository whose backend records the
 * raw calls instead of sending them (so validation, prefixes and serialization are the
 * repository's own), then the backend runs the recorded calls in `MULTI`/`EXEC` and each call's
 * promise settles with its reply, decoded as outside a transaction.
 */
export async function runTransaction<const R>(
  host: TransactionHost,
  build: (tx: TransactionCommands) => R,
  watched: RawWatch | undefined,
): Promise<TransactionResult<R>> {
  if (typeof build !== 'function') throw new InvalidArgumentError('build', 'expected a function');
  const rawCalls: QueuedCall[] = [];
  const calls: RepositoryCall[] = [];
  let open = true;
  const queued = host.queued(recordingBackend(rawCalls));
  const tx = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of TRANSACTION_COMMANDS) {
    const method = queued[name] as (...args: unknown[]) => Promise<unknown>;
    tx[name] = (...args) => {
      if (!open) {
        throw new ForbiddenOperationError(
          `tx.${name}() called after the transaction was sent: queue inside build`,
        );
      }
      const before = rawCalls.length;
      const promise = method.apply(queued, args);
      promise.catch(ignore); // settled by the transaction; the caller may never await it
      calls.push({ promise, queued: rawCalls.length - before });
      return promise;
    };
  }
  const returned = build(tx as unknown as TransactionCommands);
  open = false;
  if (isThenable(returned)) {
    throw new InvalidArgumentError('build', 'must queue its commands synchronously (do not await inside it)');
  }
  // A call that queued nothing failed validation (or answered locally): its promise has settled.
  for (const call of calls) if (call.queued === 0) await call.promise;
  if (rawCalls.length > 0) await execute(host.raw, rawCalls, watched);
  const results = await Promise.all(calls.map((call) => call.promise));
  return (Array.isArray(returned) ? await Promise.all(returned) : results) as TransactionResult<R>;
}

/** Runs `body` with a {@link WatchScope} over `watched`, then releases the watching connection. */
export async function runWatched<T>(
  host: TransactionHost,
  watched: RawWatch,
  body: (scope: WatchScope) => Promise<T>,
): Promise<T> {
  let used = false;
  const scope: WatchScope = {
    transaction(build) {
      if (used) {
        return Promise.reject(
          new ForbiddenOperationError('a watch scope runs one transaction: call watch() again'),
        );
      }
      used = true;
      return runTransaction(host, build, watched);
    },
  };
  try {
    return await body(scope);
  } finally {
    await watched.release();
  }
}

async function execute(raw: RawCommands, calls: readonly QueuedCall[], watched: RawWatch | undefined) {
  let outcomes: PromiseSettledResult<unknown>[] | null;
  try {
    outcomes = await raw.exec(
      calls.map(({ name, args }) => ({ name, args })),
      calls.flatMap(keysOfRawCall),
      watched,
    );
  } catch (error) {
    for (const call of calls) call.reject(error);
    throw error;
  }
  if (outcomes === null) {
    const conflict = new TransactionConflictError('a watched key changed: the transaction did not run');
    for (const call of calls) call.reject(conflict);
    throw conflict;
  }
  calls.forEach((call, i) => {
    const outcome = outcomes[i];
    if (outcome?.status === 'fulfilled') call.resolve(outcome.value);
    else call.reject(outcome?.reason);
  });
}

/** A backend whose every command is recorded, with a promise that settles once `EXEC` has run. */
function recordingBackend(calls: QueuedCall[]): RawCommands {
  return new Proxy({} as RawCommands, {
    get:
      (_target, name) =>
      (...args: unknown[]) =>
        new Promise((resolve, reject) => {
          calls.push({ name: name as RawCommandName, args, resolve, reject });
        }),
  });
}

/** The full keys a raw call touches (for the Cluster slot check). */
function keysOfRawCall({ name, args }: RawCall): string[] {
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((key): key is string => typeof key === 'string') : [];
  switch (name) {
    case 'mget':
    case 'unlink':
    case 'sinter':
    case 'sunion':
    case 'sdiff':
      return strings(args[0]);
    case 'mset':
      return (args[0] as ReadonlyArray<readonly [string, unknown]>).map(([key]) => key);
    case 'lmove':
      return [args[0] as string, args[1] as string];
    case 'sinterstore':
    case 'sunionstore':
      return [args[0] as string, ...strings(args[1])];
    default:
      return typeof args[0] === 'string' ? [args[0]] : [];
  }
}

function isThenable(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
