import { notifySafely } from '@forno/core';
import type { NodeRedisClient } from './node-redis-client.js';

/**
 * Receives server-assisted invalidations: the keys (relative to the repository's `keyPrefix`)
 * that some client — Forno or not — changed, expired or deleted after this repository read them,
 * or `null` when everything read before must be forgotten (`FLUSHDB`/`FLUSHALL`, or the
 * connection was re-established and invalidations may have been missed meanwhile).
 */
export type InvalidationListener = (keys: readonly string[] | null) => void;

/**
 * Redis 6 client-side caching in default tracking mode (RESP3 `CLIENT TRACKING ON`): the server
 * remembers the keys each tracked connection read and pushes an `invalidate` message when any
 * client changes one of them. node-redis turns tracking on at every (re)connection
 * (`emitInvalidate`) and emits those messages; this turns them into {@link InvalidationListener}
 * calls with the prefix stripped. Keys outside the prefix are not reported.
 */
export class InvalidationTracker {
  readonly #keyPrefix: string;
  #listeners: InvalidationListener[] = [];

  constructor(clients: readonly NodeRedisClient[], keyPrefix: string) {
    this.#keyPrefix = keyPrefix;
    for (const client of clients) {
      const events = client as unknown as NodeJS.EventEmitter;
      let readyBefore = false;
      events.on('invalidate', (key: string | Buffer | null) => this.#invalidate(key));
      events.on('ready', () => {
        // A new connection starts with an empty tracking table: what was read before is untracked.
        if (readyBefore) this.#notify(null);
        readyBefore = true;
      });
    }
  }

  /** Adds a listener; returns a function that removes it. */
  onInvalidate(listener: InvalidationListener): () => void {
    const subscription: InvalidationListener = (keys) => listener(keys);
    this.#listeners = [...this.#listeners, subscription];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== subscription);
    };
  }

  #invalidate(key: string | Buffer | null): void {
    if (key === null) {
      this.#notify(null);
      return;
    }
    const text = typeof key === 'string' ? key : key.toString('utf8');
    if (!text.startsWith(this.#keyPrefix)) return;
    this.#notify([text.slice(this.#keyPrefix.length)]);
  }

  #notify(keys: readonly string[] | null): void {
    for (const listener of this.#listeners) notifySafely(listener, keys);
  }
}
