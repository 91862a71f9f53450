import type { Unsubscribe } from '@forno/core';
import type { RedisClient } from './create-client.js';
import { rethrowAsCacheError } from './to-cache-error.js';

interface Channel {
  readonly listeners: Set<(message: string) => void>;
  readonly subscribed: Promise<void>;
}

/**
 * The pub/sub side of a repository: one dedicated connection (a subscribed connection cannot be
 * shared with ordinary commands), opened on the first `subscribe`, with any number of listeners
 * per channel. ioredis re-subscribes by itself after a reconnect.
 */
export class Subscriber {
  readonly #create: () => Promise<RedisClient>;
  readonly #channels = new Map<string, Channel>();
  #client: Promise<RedisClient> | undefined;

  /** `create` opens the dedicated connection (only called on first use). */
  constructor(create: () => Promise<RedisClient>) {
    this.#create = create;
  }

  /**
   * Calls `listener` for every message on `channel` until the returned function is called. With
   * `sharded` (Cluster only), the channel is sharded: `SSUBSCRIBE` on the channel's shard.
   */
  async subscribe(
    channel: string,
    listener: (message: string) => void,
    sharded = false,
  ): Promise<Unsubscribe> {
    const client = await this.#connection();
    const id = entryId(channel, sharded);
    let entry = this.#channels.get(id);
    const fresh = entry === undefined;
    if (entry === undefined) {
      const subscribed = (sharded ? client.ssubscribe(channel) : client.subscribe(channel)).then(
        () => undefined,
        rethrowAsCacheError,
      );
      entry = { listeners: new Set(), subscribed };
      this.#channels.set(id, entry);
      subscribed.catch(() => this.#channels.delete(id));
    }
    const { listeners } = entry;
    const own = (message: string) => listener(message);
    // A new subscription hears nothing before SUBSCRIBE is answered, so its listener can go in now.
    if (fresh) listeners.add(own);
    try {
      await entry.subscribed;
      if (!fresh) {
        // An existing subscription may have messages in flight that were published before this
        // call; the PING is answered after them, so the new listener hears only later messages.
        // (A sharded channel's connection is not the one PING goes to: there it only waits.)
        await client.ping().catch(rethrowAsCacheError);
        if (this.#channels.get(id) !== entry) return this.subscribe(channel, listener, sharded);
        listeners.add(own);
      }
    } catch (error) {
      listeners.delete(own);
      throw error;
    }
    return async () => {
      listeners.delete(own);
      if (listeners.size === 0 && this.#channels.get(id) === entry) {
        this.#channels.delete(id);
        await (sharded ? client.sunsubscribe(channel) : client.unsubscribe(channel)).catch(
          rethrowAsCacheError,
        );
      }
    };
  }

  /** Closes the dedicated connection, if it was opened. */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#channels.clear();
    if (client === undefined) return;
    const connection = await client.catch(() => undefined);
    if (connection !== undefined) await connection.quit().catch(() => connection.disconnect());
  }

  #connection(): Promise<RedisClient> {
    if (this.#client === undefined) {
      const opening = this.#create().then((client) => {
        client.on('message', (channel: string, message: string) =>
          this.#dispatch(entryId(channel, false), message),
        );
        client.on('smessage', (channel: string, message: string) =>
          this.#dispatch(entryId(channel, true), message),
        );
        return client;
      });
      opening.catch(() => {
        if (this.#client === opening) this.#client = undefined;
      });
      this.#client = opening;
    }
    return this.#client;
  }

  #dispatch(id: string, message: string): void {
    for (const listener of this.#channels.get(id)?.listeners ?? []) {
      try {
        listener(message);
      } catch {
        // A listener's error must not break delivery to the others.
      }
    }
  }
}

/** Sharded and ordinary channels of one name are distinct subscriptions. */
function entryId(channel: string, sharded: boolean): string {
  return sharded ? `s:${channel}` : `c:${channel}`;
}
