import { type CacheEventEmitter, type CacheRepository, compileGlob } from '@forno/core';
import { callCommand } from '@forno/core/backend';
import {
  COMMANDS,
  type CommandName,
  type CommandPolicy,
  type CommandSpec,
  keysOf,
  policyOf,
} from './command-table.js';
import type { FallbackMirror, FillTicket } from './fallback-mirror.js';
import { isOutageError } from './outage-error.js';
import type { Policy } from './policy.js';
import { markServedFromFallback } from './read-source.js';

/** The policy chain of each kind of command (`direct` commands run without one). */
export type PolicyChains = Readonly<Record<Exclude<CommandPolicy, 'direct'>, Policy>>;

/** What the runner works with; owned by `ResilientCacheRepository`. */
export interface RunnerParts {
  readonly inner: CacheRepository;
  readonly chains: PolicyChains;
  /** `undefined` when the fallback is disabled. */
  readonly mirror: FallbackMirror | undefined;
  /** Where `fallback` events go. */
  readonly events: CacheEventEmitter;
  /** True after `disconnect()` and until `connect()`: calls go straight to the inner repository. */
  readonly closed: () => boolean;
}

/**
 * Runs each command of `ResilientCacheRepository` the way the command table says (internal):
 * reads through `retry → breaker → timeout`, answered from the mirror on an outage; idempotent
 * writes through the same chain, unsafe ones without the retry; every write drops the mirrored
 * results of its keys when it is sent and when it settles, and `set`/`mset` then keep the value
 * the backend acknowledged.
 */
export class ResilientCommandRunner {
  readonly #parts: RunnerParts;

  /** Takes the parts `ResilientCacheRepository` owns. */
  constructor(parts: RunnerParts) {
    this.#parts = parts;
  }

  /** Runs `name(...args)` on the inner repository under its policy. */
  async run(name: CommandName, rawArgs: unknown[]): Promise<unknown> {
    const spec: CommandSpec = COMMANDS[name];
    const args = spec.normalize ? spec.normalize(rawArgs) : rawArgs;
    const call = () => callCommand(this.#parts.inner, name, args);
    // A repository closed on purpose is not an outage: no policies, no fallback, the inner error.
    if (this.#parts.closed()) return call();
    const policy = policyOf(spec, args);
    if (policy === 'direct') return call();
    if (policy === 'read') return this.#read(name, spec, args, call);
    return this.#write(spec, policy, args, call);
  }

  async #read(
    name: CommandName,
    spec: CommandSpec,
    args: readonly unknown[],
    call: () => Promise<unknown>,
  ): Promise<unknown> {
    const { mirror } = this.#parts;
    const keys = keysOf(spec, args);
    const signature = mirror && (spec.mirrored || spec.perKeyGet) ? signatureOf(name, spec, args) : undefined;
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
    spec: CommandSpec,
    keys: readonly string[],
    signature: string,
    value: unknown,
  ): void {
    const { mirror } = this.#parts;
    if (!mirror?.release(ticket)) return;
    if (spec.perKeyGet) {
      if (!Array.isArray(value) || value.length !== keys.length) return;
      for (const [i, key] of keys.entries()) mirror.put(key, signature, value[i]);
    } else if (keys[0] !== undefined) {
      mirror.put(keys[0], signature, value);
    }
  }

  /** Serves a failed read from the mirror when the error is an outage and a copy is kept. */
  #fallback(
    name: CommandName,
    spec: CommandSpec,
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

  #lookup(spec: CommandSpec, keys: readonly string[], signature: string): { value: unknown } | undefined {
    const { mirror } = this.#parts;
    if (mirror === undefined || keys.length === 0) return undefined;
    if (!spec.perKeyGet) return mirror.lookup(keys[0]!, signature);
    const values: unknown[] = [];
    for (const key of keys) {
      const kept = mirror.lookup(key, signature);
      if (kept === undefined) return undefined; // all or nothing: a missing key is not a null
      values.push(kept.value);
    }
    return { value: values };
  }

  async #write(
    spec: CommandSpec,
    policy: Exclude<CommandPolicy, 'read' | 'direct'>,
    args: readonly unknown[],
    call: () => Promise<unknown>,
  ): Promise<unknown> {
    const { mirror } = this.#parts;
    const keys = keysOf(spec, args);
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
  #forget(spec: CommandSpec, keys: readonly string[], args: readonly unknown[]): void {
    const { mirror } = this.#parts;
    if (mirror === undefined) return;
    if (spec.everything) {
      mirror.clear();
    } else if (spec.pattern) {
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
function signatureOf(name: CommandName, spec: CommandSpec, args: readonly unknown[]): string | undefined {
  if (spec.perKeyGet) return 'get';
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
