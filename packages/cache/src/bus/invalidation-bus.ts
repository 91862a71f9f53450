import { randomBytes } from 'node:crypto';
import type { PubSubCommands, Unsubscribe } from '@forno/core';
import { type BusMessage, parseBusMessage, type TagNotice, type WrittenKey } from './bus-message.js';
import { SequenceTracker } from './sequence-tracker.js';

/** What the bus tells the cache. */
export interface BusReceiver {
  /** Another process deleted or expired these entry keys. */
  keysChanged(keys: readonly string[]): void;
  /** Another process wrote these entry keys (with the versions it wrote). */
  keysWritten(written: readonly WrittenKey[]): void;
  /** Another process invalidated tags. */
  tagsInvalidated(notices: readonly TagNotice[]): void;
  /** Another process cleared these namespaces. */
  namespacesCleared(namespaces: readonly string[]): void;
  /**
   * Anything may have changed: messages were lost (`gap`), the subscription delivers again after a
   * failure (`resubscribed`), or for the first time (`subscribed`: nothing can have been trusted yet).
   */
  everythingChanged(reason: 'gap' | 'resubscribed' | 'subscribed'): void;
  /** A message came in from another process, or one was published. */
  counted(direction: 'in' | 'out'): void;
  /** Publishing or subscribing failed. */
  failed(error: unknown): void;
}

/** What one publish carries (merged with whatever else is waiting). */
export interface BusNotice {
  readonly keys?: readonly string[];
  readonly written?: readonly WrittenKey[];
  readonly tags?: readonly TagNotice[];
  readonly cleared?: readonly string[];
}

interface Batch {
  keys: string[];
  written: WrittenKey[];
  tags: TagNotice[];
  cleared: string[];
  readonly waiters: (() => void)[];
}

const now = () => performance.now();

/**
 * The invalidation bus on the repository's pub/sub (`publish` / `subscribe` only). Every message
 * carries its sender and a sequence number; heartbeats keep a quiet sender's numbering visible.
 *
 * - Publishing: one message in flight per cache; whatever is written meanwhile goes out together
 *   in the next one. A failed publish still uses its number, so receivers see the gap.
 * - Lost messages: a number skipped for longer than a heartbeat means a message was lost (the
 *   subscription dropped and came back, a node failed over): the cache clears L1.
 * - A dead subscription: the cache hears its own messages too; if one does not come back within a
 *   heartbeat, the bus is unhealthy — L1 is not trusted as fresh — and it subscribes again. When
 *   its messages come back, the cache clears L1 (anything published meanwhile was lost) and
 *   trusts it again.
 */
export class InvalidationBus {
  readonly #repository: PubSubCommands;
  readonly #channel: string;
  readonly #heartbeatMs: number;
  readonly #receiver: BusReceiver;
  readonly #id = randomBytes(8).toString('base64url');
  readonly #tracker: SequenceTracker;
  #seq = 0;
  #batch: Batch | undefined;
  #flushing = false;
  #published = false;
  #subscription: Promise<Unsubscribe | undefined> | undefined;
  #healthy = false;
  #everHealthy = false;
  /** Own sequence number that must have come back by the next heartbeat. */
  #expectOwn = -1;
  /** Highest own sequence number actually received back (a failed publish never is). */
  #ownReceived = -1;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(repository: PubSubCommands, channel: string, heartbeatMs: number, receiver: BusReceiver) {
    this.#repository = repository;
    this.#channel = channel;
    this.#heartbeatMs = heartbeatMs;
    this.#receiver = receiver;
    this.#tracker = new SequenceTracker(heartbeatMs, heartbeatMs * 5);
  }

  /** Whether the subscription is known to deliver: only then may L1 be trusted as fresh. */
  get healthy(): boolean {
    return this.#healthy;
  }

  /** Subscribes and starts the heartbeat. */
  start(): void {
    this.#subscribe();
    this.#timer = setInterval(() => this.#tick(), this.#heartbeatMs);
    this.#timer.unref?.();
  }

  /** Publishes `notice` (batched with others); resolves once it was sent or failed (reported). */
  publish(notice: BusNotice): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#batch ??= { keys: [], written: [], tags: [], cleared: [], waiters: [] };
    const batch = this.#batch;
    if (notice.keys) for (const key of notice.keys) batch.keys.push(key);
    if (notice.written) for (const written of notice.written) batch.written.push(written);
    if (notice.tags) for (const tag of notice.tags) batch.tags.push(tag);
    if (notice.cleared) for (const namespace of notice.cleared) batch.cleared.push(namespace);
    const sent = new Promise<void>((resolve) => batch.waiters.push(resolve));
    if (!this.#flushing) void this.#flush();
    return sent;
  }

  /** Stops the heartbeat and the subscription. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#healthy = false;
    const subscription = this.#subscription;
    this.#subscription = undefined;
    const unsubscribe = await subscription;
    await unsubscribe?.().catch(() => {});
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      while (this.#batch !== undefined) {
        const batch = this.#batch;
        this.#batch = undefined;
        const message: { -readonly [K in keyof BusMessage]: BusMessage[K] } = { i: this.#id, q: ++this.#seq };
        if (batch.keys.length > 0) message.k = batch.keys;
        if (batch.written.length > 0) message.w = batch.written;
        if (batch.tags.length > 0) message.g = batch.tags;
        if (batch.cleared.length > 0) message.c = batch.cleared;
        await this.#send(message);
        for (const resolve of batch.waiters) resolve();
      }
    } finally {
      this.#flushing = false;
    }
  }

  async #send(message: BusMessage): Promise<void> {
    this.#published = true;
    try {
      await this.#repository.publish(this.#channel, JSON.stringify(message));
      if (!isHeartbeat(message)) this.#receiver.counted('out');
    } catch (error) {
      // Its number is used: receivers will see the gap. Not a gap in our own stream, though; and
      // as it never comes back, the next heartbeat finds the bus unhealthy.
      this.#tracker.skip(this.#id, message.q, now());
      this.#receiver.failed(error);
    }
  }

  #subscribe(): void {
    if (this.#closed || this.#subscription !== undefined) return;
    const subscription = this.#repository
      .subscribe(this.#channel, (text) => this.#receive(text))
      .then(
        (unsubscribe) => {
          if (this.#closed) {
            void unsubscribe().catch(() => {});
            return undefined;
          }
          void this.publish({}); // a probe: healthy once it comes back
          return unsubscribe;
        },
        (error: unknown) => {
          if (this.#subscription === subscription) this.#subscription = undefined;
          this.#receiver.failed(error);
          return undefined;
        },
      );
    this.#subscription = subscription;
  }

  #receive(text: string): void {
    const message = parseBusMessage(text);
    if (message === undefined) return;
    this.#tracker.receive(message.i, message.q, now());
    if (message.i === this.#id) {
      this.#ownReceived = Math.max(this.#ownReceived, message.q);
      if (!this.#healthy && !this.#closed) {
        // Our messages come back: the subscription delivers. Whatever was published while it did
        // not is lost to L1, so L1 starts afresh.
        this.#healthy = true;
        this.#receiver.everythingChanged(this.#everHealthy ? 'resubscribed' : 'subscribed');
        this.#everHealthy = true;
      }
      return;
    }
    if (isHeartbeat(message)) return;
    this.#receiver.counted('in');
    if (message.k !== undefined) this.#receiver.keysChanged(message.k);
    if (message.w !== undefined) this.#receiver.keysWritten(message.w);
    if (message.g !== undefined) this.#receiver.tagsInvalidated(message.g);
    if (message.c !== undefined) this.#receiver.namespacesCleared(message.c);
  }

  #tick(): void {
    if (this.#closed) return;
    if (this.#healthy && this.#expectOwn >= 0 && this.#ownReceived < this.#expectOwn) {
      // Our own message did not come back within a heartbeat: the subscription is not delivering.
      this.#healthy = false;
      const old = this.#subscription;
      this.#subscription = undefined;
      void old?.then((unsubscribe) => unsubscribe?.()).catch(() => {});
    }
    if (this.#subscription === undefined) this.#subscribe();
    if (this.#tracker.sweep(now())) this.#receiver.everythingChanged('gap');
    if (!this.#published) void this.publish({});
    this.#published = false;
    this.#expectOwn = this.#healthy ? this.#seq : -1;
  }
}

function isHeartbeat(message: BusMessage): boolean {
  return (
    message.k === undefined && message.w === undefined && message.g === undefined && message.c === undefined
  );
}
