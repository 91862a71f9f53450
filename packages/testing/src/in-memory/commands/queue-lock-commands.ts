import type { QueueGrant, QueueLockKeys } from '@forno/core';
import type { RawQueueLockCommands } from '@forno/core/backend';
import { toByteString } from '../byte-codec.js';
import type { InMemoryContext } from '../in-memory-context.js';
import type { InMemoryStore } from '../in-memory-store.js';
import { expireWithLastLease, liveSemaphore, nextFencingToken } from './lock-commands.js';
import { firstInOrder } from './sorted-set-commands.js';

/**
 * The waiting line of a queued lock (waiter → arrival order, waiter → deadline), with waiters whose
 * deadline passed removed, as the scripts' prelude does.
 */
class Line {
  readonly #store: InMemoryStore;
  readonly #keys: QueueLockKeys;
  readonly #now: number;

  constructor(store: InMemoryStore, keys: QueueLockKeys) {
    this.#store = store;
    this.#keys = keys;
    this.#now = store.clock.now();
    const deadlines = store.read(keys.timeouts, 'zset');
    const order = store.read(keys.queue, 'zset');
    if (deadlines === undefined) return;
    for (const [waiter, deadline] of deadlines.value) {
      if (deadline > this.#now) continue;
      deadlines.value.delete(waiter);
      order?.value.delete(waiter);
    }
    store.deleteIfEmpty(keys.timeouts, deadlines);
    if (order !== undefined) store.deleteIfEmpty(keys.queue, order);
  }

  /** Number of waiters in line. */
  get size(): number {
    return this.#store.read(this.#keys.queue, 'zset')?.value.size ?? 0;
  }

  /** The first waiter in line (lowest arrival, then lowest member, as ZRANGE orders). */
  get head(): string | undefined {
    const order = this.#store.read(this.#keys.queue, 'zset');
    return firstInOrder(order?.value ?? [])?.[0];
  }

  /** Puts `waiter` at the end of the line (keeping its place if it is in it) until `queuePx` from now. */
  enqueue(waiter: string, queuePx: number): void {
    const { queue, timeouts } = this.#keys;
    const order = this.#store.readOrCreate(queue, 'zset', () => new Map<string, number>());
    if (!order.value.has(waiter)) {
      const last = order.value.size === 0 ? -1 : Math.max(...order.value.values());
      order.value.set(waiter, last + 1);
    }
    const deadlines = this.#store.readOrCreate(timeouts, 'zset', () => new Map<string, number>());
    deadlines.value.set(waiter, this.#now + queuePx);
    for (const [key, entry] of [
      [queue, order],
      [timeouts, deadlines],
    ] as const) {
      const left = entry.expiresAt === undefined ? -1 : entry.expiresAt - this.#now;
      if (left < queuePx) this.#store.expire(key, entry, this.#now + queuePx);
    }
  }

  /** Removes `waiter`; `true` if it was in line. */
  leave(waiter: string): boolean {
    const order = this.#store.read(this.#keys.queue, 'zset');
    const deadlines = this.#store.read(this.#keys.timeouts, 'zset');
    order?.value.delete(waiter);
    if (order !== undefined) this.#store.deleteIfEmpty(this.#keys.queue, order);
    const removed = deadlines?.value.delete(waiter) ?? false;
    if (deadlines !== undefined) this.#store.deleteIfEmpty(this.#keys.timeouts, deadlines);
    return removed;
  }
}

/** The holder's remaining lease as `PTTL` reports it: `-2` when free, `-1` without expiry. */
function pttl(store: InMemoryStore, key: string): number {
  const holder = store.lookup(key);
  if (holder === undefined) return -2;
  return holder.expiresAt === undefined ? -1 : holder.expiresAt - store.clock.now();
}

/** Grants the lock (writer) key to `token` with a fresh fencing token. */
function grantLock(store: InMemoryStore, keys: QueueLockKeys, token: string, px: number): QueueGrant {
  const fencingToken = nextFencingToken(store, keys.fence, px);
  store.write(keys.lock, 'string', toByteString(token), store.clock.now() + px);
  return { acquired: true, fencingToken };
}

/**
 * The fair and read-write lock primitives, natively: each method runs without yielding, so it is as
 * atomic as the Lua script Redis runs (see `QUEUE_LOCK_SCRIPTS` of `@forno/core/backend`).
 */
export function queueLockCommands(ctx: InMemoryContext): RawQueueLockCommands {
  return {
    async acquireFairLock(keys, token, waiter, px, queuePx) {
      const store = ctx.store();
      const line = new Line(store, keys);
      const holderTtl = pttl(store, keys.lock);
      if (holderTtl !== -2) {
        line.enqueue(waiter, queuePx);
        return { acquired: false, retryAfter: holderTtl };
      }
      const head = line.head;
      if (head !== undefined && head !== waiter) {
        line.enqueue(waiter, queuePx);
        return { acquired: false, retryAfter: -1 };
      }
      line.leave(waiter);
      return grantLock(store, keys, token, px);
    },

    async acquireReadLock(keys, token, px) {
      const store = ctx.store();
      const line = new Line(store, keys);
      const holderTtl = pttl(store, keys.lock);
      if (holderTtl !== -2) return { acquired: false, retryAfter: holderTtl };
      if (line.size > 0) return { acquired: false, retryAfter: -1 };
      const readers =
        liveSemaphore(store, keys.readers) ??
        store.readOrCreate(keys.readers, 'zset', () => new Map<string, number>());
      readers.value.set(toByteString(token), store.clock.now() + px);
      expireWithLastLease(store, keys.readers, readers, store.clock.now());
      return { acquired: true, fencingToken: nextFencingToken(store, keys.fence, px) };
    },

    async acquireWriteLock(keys, token, waiter, px, queuePx) {
      const store = ctx.store();
      const line = new Line(store, keys);
      const holderTtl = pttl(store, keys.lock);
      if (holderTtl !== -2) {
        line.enqueue(waiter, queuePx);
        return { acquired: false, retryAfter: holderTtl };
      }
      const readers = liveSemaphore(store, keys.readers);
      if (readers !== undefined) {
        line.enqueue(waiter, queuePx);
        return { acquired: false, retryAfter: Math.min(...readers.value.values()) - store.clock.now() };
      }
      line.leave(waiter);
      return grantLock(store, keys, token, px);
    },

    async leaveLockQueue(keys, waiter, notice) {
      const store = ctx.store();
      if (!new Line(store, keys).leave(waiter)) return false;
      // One node: a sharded channel is an ordinary one.
      if (notice !== undefined) store.publish(notice.channel, keys.lock);
      return true;
    },

    // The fake is a server without replicas, as a standalone Redis is: WAIT answers 0.
    async waitForReplicas() {
      return 0;
    },
  };
}
