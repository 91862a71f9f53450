import { type CacheBackend, type CacheEventEmitter, compileGlob } from '@forno/core';
import {
  type CommandRow,
  callCommand,
  commandRow,
  keysOfCall,
  type RepositoryCommand,
} from '@forno/core/backend';
import type { FallbackMirror, FillTicket } from './fallback-mirror.js';
import { isOutageError } from './outage-error.js';
import type { Policy } from './policy.js';
import { markServedFromFallback } from './read-source.js';

/**
 * How `ResilientCacheRepository` runs a command, read from its row of core's command table:
 * - `read`: breaker and timeout; on an outage error the fallback mirror answers if it can;
 * - `write`: breaker and timeout;
 * - `breaker`: an unbounded command whose duration grows with the data (`deletePattern`): breaker
 *   only; each of its round trips is bounded by the inner repository's own command timeout;
 * - `timeout`: server commands (`ping`, `flushdb`): the timeout only, so a health check sees the
 *   backend as it is rather than the circuit's opinion of it;
 * - `direct`: forwarded untouched (`subscribe`, whose subscription outlives any single call).
 *
 * Nothing is retried here: retries happen in one layer, the backend (the ioredis driver retries
 * idempotent commands within its `commandTimeout`).
 */
export type CommandPolicy = 'read' | 'write' | 'breaker' | 'timeout' | 'direct';

/** The policy chain of each kind of command (`direct` commands run without one). */
export type PolicyChains = Readonly<Record<Exclude<CommandPolicy, 'direct'>, Policy>>;

/** The policy of a command, from its row of the command table. */
export function policyOf(row: CommandRow): CommandPolicy {
  switch (row.access) {
    case 'read':
      return 'read';
    case 'server':
      return 'timeout';
    case 'subscription':
      return 'direct';
    default:
      return row.unbounded ? 'breaker' : 'write';
  }
}

/** What the runner works with; owned by `ResilientCacheRepository`. */
export interface RunnerParts {
  readonly inner: CacheBackend;
  readonly chains: PolicyChains;
  /** `undefined` when the fallback is disabled. */
  readonly mirror: FallbackMirror | undefined;
  /** Where `fallback` events go. */
  readonly events: CacheEventEmitter;
  /** True after `disconnect()` and until `connect()`: calls go straight to the inner repository. */
  readonly closed: () => boolean;
}

/**
 * Runs each command of `ResilientCacheRepository` the way core's command table says (internal):
 * reads through `breaker → timeout`, answered from the mirror on an outage; writes through the
 * same chain; every write drops the mirrored results of its keys when it is sent and when it
 * settles, and `store` writes (`set`, `mset`) then keep the value the backend acknowledged.
 */
export class ResilientCommandRunner {
  readonly #parts: RunnerParts;

  /** Takes the parts `ResilientCacheRepository` owns. */
  constructor(parts: RunnerParts) {
    this.#parts = parts;
  }

  /** Runs `name(...args)` on the inner repository under its policy. */
  async run(name: RepositoryCommand, rawArgs: unknown[]): Promise<unknown> {
    const spec = commandRow(name);
    const args = spec.normalize ? spec.normalize(rawArgs) : rawArgs;
    const call = () => callCommand(this.#parts.inner, name, args);
    // A repository closed on purpose is not an outage: no policies, no fallback, the inner error.
    if (this.#parts.closed()) return call();
    const policy = policyOf(spec);
    if (policy === 'direct') return call();
    if (policy === 'read') return this.#read(name, spec, args, call);
    return this.#write(name, spec, policy, args, call);
  }

  async #read(
    name: RepositoryCommand,
    spec: CommandRow,
    args: readonly unknown[],
    call: () => Promise<unknown>,
  ): Promise<unknown> {
    const { mirror } = this.#parts;
    const keys = keysOfCall(name, args);
    const signature =
      mirror && (spec.mirror === 'keep' || spec.mirror === 'keepPerKey')
        ? signatureOf(name, spec, args)
        : undefined;
    const ticket = signature === undefined ? undefined : mirror?.begin(keys);
    let value: unknown;
    try {
      value = await this.#parts.chains.read.execute(call);
    } catch (error) {
      if (ticket) mirror?.release(ticket);
      return this.#fallback(name, spec, keys, signature, error);
    }
    if (ticket && signature !== undefined) this.#keep(ticket, spec, keys, signature, value);
    return value;
  }

  #keep(
    ticket: FillTicket,
    spec: CommandRow,
    keys: readonly string[],
    signature: string,
    value: unknown,
  ): void {
    const { mirror } = this.#parts;
    if (!mirror?.release(ticket)) return;
    if (spec.mirror === 'keepPerKey') {
      if (!Array.isArray(value) || value.length !== keys.length) return;
      for (const [i, key] of keys.entries()) mirror.put(key, signature, value[i]);
    } else if (keys[0] !== undefined) {
      mirror.put(keys[0], signature, value);
    }
  }

  /** Serves a failed read from the mirror when the error is an outage and a copy is kept. */
  #fallback(
    name: RepositoryCommand,
    spec: CommandRow,
    keys: readonly string[],
    signature: string | undefined,
    error: unknown,
  ): unknown {
    const { mirror, events } = this.#parts;
    if (mirror === undefined || !isOutageError(error)) throw error;
    const hit = signature === undefined ? undefined : this.#lookup(spec, keys, signature);
    if (events.hasListeners) {
      events.emit({ type: 'fallback', operation: name, key: keys[0] ?? '', hit: hit !== undefined, error });
    }
    if (hit === undefined) throw error;
    markServedFromFallback();
    return hit.value;
  }

  #lookup(spec: CommandRow, keys: readonly string[], signature: string): { value: unknown } | undefined {
    const { mirror } = this.#parts;
    if (mirror === undefined || keys.length === 0) return undefined;
    if (spec.mirror !== 'keepPerKey') return mirror.lookup(keys[0]!, signature);
    const values: unknown[] = [];
    for (const key of keys) {
      const kept = mirror.lookup(key, signature);
      if (kept === undefined) return undefined; // all or nothing: a missing key is not a null
      values.push(kept.value);
    }
    return { value: values };
  }

  async #write(
    name: RepositoryCommand,
    spec: CommandRow,
    policy: Exclude<CommandPolicy, 'read' | 'direct'>,
    args: readonly unknown[],
    call: () => Promise<unknown>,
  ): Promise<unknown> {
    const { mirror } = this.#parts;
    const keys = keysOfCall(name, args);
    this.#forget(spec, keys, args);
    const ticket = spec.stored && mirror ? mirror.begin(keys) : undefined;
    let result: unknown;
    try {
      result = await this.#parts.chains[policy].execute(call);
    } catch (error) {
      // Rejected with the typed error; a timed-out write may still have been applied.
      if (ticket) mirror?.release(ticket);
      this.#forget(spec, keys, args);
      throw error;
    }
    const fresh = ticket !== undefined && mirror?.release(ticket) === true;
    this.#forget(spec, keys, args);
    if (fresh && spec.stored) {
      for (const { key, value, ttlMs } of spec.stored(args, result)) {
        const copy = this.#roundTrip(value);
        if (copy !== undefined) mirror?.put(key, 'get', copy.value, ttlMs, copy.bytes);
      }
    }
    return result;
  }

  /** Drops the mirrored results a write may change. */
  #forget(spec: CommandRow, keys: readonly string[], args: readonly unknown[]): void {
    const { mirror } = this.#parts;
    if (mirror === undefined) return;
    if (spec.mirror === 'forgetAll') {
      mirror.clear();
    } else if (spec.mirror === 'forgetPattern') {
      if (typeof args[0] !== 'string') return; // rejected by the backend before anything runs
      let matches: (key: string) => boolean;
      try {
        matches = compileGlob(args[0]);
      } catch {
        mirror.clear();
        return;
      }
      mirror.invalidateMatching(matches);
    } else if (keys.length > 0) {
      mirror.invalidate(keys);
    }
  }

  /**
   * The value as a read would return it — through the repository's serializer and back, so the
   * fallback answers exactly what Redis would (a `Date` comes back as a string with JSON), and
   * later changes to the caller's object do not leak into the mirror — with its serialized size.
   */
  #roundTrip(value: unknown): { value: unknown; bytes: number } | undefined {
    const { serializer } = this.#parts.inner;
    try {
      const payload = serializer.serialize(value);
      const bytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
      return { value: serializer.deserialize(payload), bytes };
    } catch {
      return undefined;
    }
  }
}

/**
 * Identifies a read among the results kept for its key: the command and its other arguments
 * (`hget["price"]`); `undefined` when they cannot be written as JSON. `mget` is kept as `get`s.
 */
function signatureOf(
  name: RepositoryCommand,
  spec: CommandRow,
  args: readonly unknown[],
): string | undefined {
  if (spec.mirror === 'keepPerKey') return 'get';
  let end = args.length;
  while (end > 1 && args[end - 1] === undefined) end -= 1;
  if (end <= 1) return name;
  try {
    const rest = JSON.stringify(args.slice(1, end));
    return rest === undefined ? undefined : `${name}${rest}`;
  } catch {
    return undefined;
  }
}
