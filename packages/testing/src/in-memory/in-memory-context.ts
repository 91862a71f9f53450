import type { RawValue } from '@forno/core/backend';
import { fromByteString } from './byte-codec.js';
import type { InMemoryStore } from './in-memory-store.js';

/** What each group of fake commands needs from the repository that runs it. */
export interface InMemoryContext {
  /** The store; throws `CacheUnavailableError` while the repository is disconnected. */
  store(): InMemoryStore;
  /** Identity of the client, so pub/sub counts clients as Redis does. */
  readonly client: object;
  /** Converts a stored byte string into a reply in the serializer's format. */
  reply(bytes: string): RawValue;
}

/** The `[from, to]` indexes (inclusive) that `start`/`stop` select in a sequence, as Redis computes them. */
export function rankRange(start: number, stop: number, length: number): [number, number] | undefined {
  let from = start < 0 ? length + start : start;
  let to = stop < 0 ? length + stop : stop;
  if (from < 0) from = 0;
  if (from > to || from >= length) return undefined;
  if (to >= length) to = length - 1;
  return [from, to];
}

/**
 * A group of raw commands as the fake writes them: each returns its reply (or throws) in the same
 * synchronous step, so a Lua script can call them (`redis.call`) without yielding; iterators stay
 * async. {@link asyncCommands} turns a group back into the raw commands of the seam.
 */
export type SyncCommands<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};

/** The raw commands of a synchronous group: each reply (or error) delivered as a promise. */
export function asyncCommands<T extends object>(group: SyncCommands<T>): T {
  const commands: Record<string, unknown> = {};
  for (const [name, command] of Object.entries(group as Record<string, (...args: unknown[]) => unknown>)) {
    commands[name] = (...args: unknown[]) => {
      try {
        const reply = command(...args);
        return isAsyncIterable(reply) ? reply : Promise.resolve(reply);
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }
  return commands as T;
}

function isAsyncIterable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** Builds a context over a store. */
export function createContext(store: () => InMemoryStore, format: 'text' | 'binary'): InMemoryContext {
  return { store, client: {}, reply: (bytes) => fromByteString(bytes, format) };
}
