import type { Unsubscribe } from '@forno/core';
import { errorClassName, rethrowAsCacheError } from './to-cache-error.js';

type MessageListener = (message: string, channel: string) => void;

/** What pub/sub needs of a node-redis connection (a client, a Cluster or a Sentinel group). */
export interface PubSubConnection {
  subscribe(channel: string, listener: MessageListener): Promise<unknown>;
  unsubscribe(channel: string, listener: MessageListener): Promise<unknown>;
  /** Sharded channels (Cluster: routed to the channel's shard). */
  sSubscribe(channel: string, listener: MessageListener): Promise<unknown>;
  sUnsubscribe(channel: string, listener: MessageListener): Promise<unknown>;
}

/** Opens the pub/sub connection; `close` is called by {@link Subscriber.close}. */
export interface PubSubOpener {
  open(): Promise<PubSubConnection>;
  close(connection: PubSubConnection): Promise<void>;
}

/**
 * The pub/sub side of a repository. A node-redis client that subscribes cannot send other
 * commands (RESP2), so on a standalone server subscriptions get their own connection, opened on
 * the first `subscribe`; a Cluster or Sentinel client keeps a pub/sub connection of its own.
 * node-redis keeps any number of listeners per channel and re-subscribes after a reconnect; a
 * listener that throws does not stop delivery to the others.
 */
export class Subscriber {
  readonly #opener: PubSubOpener;
  #connection: Promise<PubSubConnection> | undefined;

  constructor(opener: PubSubOpener) {
    this.#opener = opener;
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
    const connection = await this.#open();
    const own: MessageListener = (message) => {
      try {
        listener(message);
      } catch {
        // A listener's error must not break delivery to the others (nor node-redis' reply parser).
      }
    };
    if (sharded) {
      await connection.sSubscribe(channel, own).catch(rethrowAsCacheError);
      return async () => {
        await connection.sUnsubscribe(channel, own).catch(goneWithItsConnection);
      };
    }
    await connection.subscribe(channel, own).catch(rethrowAsCacheError);
    return async () => {
      await connection.unsubscribe(channel, own).catch(goneWithItsConnection);
    };
  }

  /** Closes the pub/sub connection, if it was opened. */
  async close(): Promise<void> {
    const opening = this.#connection;
    this.#connection = undefined;
    if (opening === undefined) return;
    const connection = await opening.catch(() => undefined);
    if (connection !== undefined) await this.#opener.close(connection).catch(() => {});
  }

  #open(): Promise<PubSubConnection> {
    if (this.#connection === undefined) {
      const opening = this.#opener.open();
      opening.catch(() => {
        if (this.#connection === opening) this.#connection = undefined;
      });
      this.#connection = opening;
    }
    return this.#connection;
  }
}

/**
 * An unsubscribe's error handler. node-redis on Cluster closes a pub/sub connection (a shard's, for
 * sharded channels) as soon as an unsubscribe leaves it without channels, while other unsubscribes
 * from it may still wait for their replies: those reject with `ClientClosedError`, though their
 * channels went with the connection. An unsubscribe from a closed connection has nothing left to
 * undo, so it counts as done; any other error is rethrown as a `CacheError`.
 */
function goneWithItsConnection(error: unknown): void {
  if (errorClassName(error) !== 'ClientClosedError') rethrowAsCacheError(error);
}
