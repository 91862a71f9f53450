import type { CacheRepository } from '@forno/core';
import type { ReleaseWatch } from './lease-store.js';
import { timerDelay } from './timer-delay.js';

const queues = new WeakMap<CacheRepository, Map<string, LocalQueue>>();

/** A place in a {@link LocalQueue}. */
export interface Ticket {
  /**
   * Resolves `true` once this ticket is at the head (at once if it already is), `false` if `ms`
   * pass first; rejects with the reason if `signal` aborts.
   */
  turn(ms: number, signal: AbortSignal | undefined): Promise<boolean>;
  /** Leaves the queue, handing the head to the next ticket. Idempotent. */
  leave(): void;
}

interface Entry {
  wake(): void;
}

/**
 * The waiters of one key within this process, in arrival order. Only the head of the queue talks
 * to the server; the others wait their turn locally. So a release wakes one waiter per process
 * instead of a stampede, waiters of one process are served first come, first served, and a
 * process that releases and re-acquires at once queues behind its own waiters. Queues exist only
 * while someone waits, so many distinct keys leave nothing behind.
 */
export class LocalQueue {
  readonly #entries: Entry[] = [];
  readonly #owner: Map<string, LocalQueue>;
  readonly #fullKey: string;

  private constructor(owner: Map<string, LocalQueue>, fullKey: string) {
    this.#owner = owner;
    this.#fullKey = fullKey;
  }

  /** True when nobody in this process waits for `watch`'s key. */
  static idle(watch: ReleaseWatch): boolean {
    return queues.get(watch.repository)?.get(watch.fullKey) === undefined;
  }

  /** Joins the queue of `watch.fullKey` on `watch.repository`, at the tail. */
  static join(watch: ReleaseWatch): Ticket {
    let owner = queues.get(watch.repository);
    if (owner === undefined) {
      owner = new Map();
      queues.set(watch.repository, owner);
    }
    let queue = owner.get(watch.fullKey);
    if (queue === undefined) {
      queue = new LocalQueue(owner, watch.fullKey);
      owner.set(watch.fullKey, queue);
    }
    return queue.#join();
  }

  #join(): Ticket {
    let wake = () => {};
    const entry: Entry = { wake: () => wake() };
    this.#entries.push(entry);
    let left = false;
    return {
      turn: (ms, signal) => {
        if (this.#entries[0] === entry) return Promise.resolve(true);
        if (signal?.aborted) return Promise.reject(signal.reason);
        return new Promise<boolean>((resolve, reject) => {
          const settle = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', abort);
            wake = () => {};
          };
          const abort = () => {
            settle();
            reject(signal?.reason);
          };
          const timer = setTimeout(() => {
            settle();
            resolve(false);
          }, timerDelay(ms));
          wake = () => {
            settle();
            resolve(true);
          };
          signal?.addEventListener('abort', abort, { once: true });
        });
      },
      leave: () => {
        if (left) return;
        left = true;
        const index = this.#entries.indexOf(entry);
        this.#entries.splice(index, 1);
        if (this.#entries.length === 0) this.#owner.delete(this.#fullKey);
        else if (index === 0) this.#entries[0]!.wake();
      },
    };
  }
}
