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

/** Builds a context over a store. */
export function createContext(store: () => InMemoryStore, format: 'text' | 'binary'): InMemoryContext {
  return { store, client: {}, reply: (bytes) => fromByteString(bytes, format) };
}
