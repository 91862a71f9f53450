import { randomBytes } from 'node:crypto';
import type { LockBackend, Unsubscribe } from '@forno/core';
import type { ReleaseWatch } from './lease-store.js';

/**
 * One waiter's view of release announcements. `arm()` before each attempt, then `sleep()`: it
 * returns at once if a release was announced since `arm()` (so a release between the refused
 * attempt and the sleep is never lost), else on the next announcement, the timer, or an abort.
 */
export class ReleaseWait {
  readonly #watches: readonly ReleaseWatch[];
  readonly #disposers: (() => void)[];
  #released = false;
  #wake: (() => void) | undefined;

  constructor(watches: readonly ReleaseWatch[]) {
    this.#watches = watches;
    this.#disposers = watches.map((w) => ReleaseNotifier.of(w.repository).watch(w, () => this.#onRelease()));
  }

  /**
   * Whether every subscription `watches` need is active already (a waiter's lingering channel): a
   * `ReleaseWait` made now hears every announcement published from now on.
   */
  static live(watches: readonly ReleaseWatch[]): boolean {
    return watches.every((w) => ReleaseNotifier.of(w.repository).live(w));
  }

  /** Resolves once every subscription is active (or has failed over to re-checks). */
  async ready(): Promise<void> {
    await Promise.all(this.#watches.map((w) => ReleaseNotifier.of(w.repository).ready(w)));
  }

  /** Forgets announcements seen so far; call right before an attempt. */
  arm(): void {
    this.#released = false;
  }

  /**
   * Waits up to `ms` for an announcement: `true` when one came, `false` when the time ran out;
   * rejects with `signal.reason` if `signal` aborts.
   */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#released) return Promise.resolve(true);
    return wokenWithin(ms, signal, (wake) => {
      this.#wake = wake;
    });
  }

  /** Renews the subscriptions: an announcement was evidently missed (see `ReleaseNotifier.resubscribe`). */
  resubscribe(): void {
    for (const w of this.#watches) ReleaseNotifier.of(w.repository).resubscribe(w);
  }

  /** Stops listening. */
  dispose(): void {
    for (const dispose of this.#disposers) dispose();
    this.#wake?.();
  }

  #onRelease(): void {
    this.#released = true;
    this.#wake?.();
  }
}

const notifiers = new WeakMap<LockBackend, ReleaseNotifier>();

/**
 * A release channel, subscribed while someone in this process waits for one of its keys: a key's
 * own channel, or the channel the queued locks share (listeners are kept by full key).
 */
interface ChannelWatch {
  readonly watch: ReleaseWatch;
  readonly listeners: Map<string, Set<() => void>>;
  size: number;
  subscription: Promise<Unsubscribe | undefined> | undefined;
  /** `subscription` is active (it resolved, and has not been closed or renewed since). */
  live: boolean;
  /** Ends a subscription kept after its last waiter left (see `ReleaseWatch.unheard`). */
  lingering: ReturnType<typeof setTimeout> | undefined;
}

/**
 * How long a waiter's own channel stays subscribed after the last waiter of its key in this
 * process left, in ms: a process that waits for a key again soon (a busy lock) finds its
 * subscription live instead of subscribing again. An announcement it hears meanwhile is handed on
 * (`ReleaseWatch.unheard`).
 */
export const LINGER_MS = 1_000;

/**
 * The release subscriptions of one repository: one per key that someone in this process waits
 * for, on the key's own channel (sharded on Cluster), shared by that key's waiters and closed as
 * soon as the last of them leaves. So a release wakes only the waiters of its key, and a process
 * is subscribed exactly while it waits, which lets a release see whether anyone waits (the
 * publish count) and hand the lock over fairly. If subscribing fails, waiters fall back to
 * re-checking (bounded by the holder's remaining lease), so a broken subscription costs latency,
 * never safety.
 */
export class ReleaseNotifier {
  /**
   * This process's id as a waiter on this repository (12 random base64url characters): a refused
   * waiting attempt registers it among the key's waiters, and a release wakes it alone, on its own
   * channel (see `SetIfAbsentOptions.waiter` and `wakeOneOf` of `lease-store.ts`).
   */
  readonly waiterId = randomBytes(9).toString('base64url');
  readonly #repository: LockBackend;
  readonly #channels = new Map<string, ChannelWatch>();

  private constructor(repository: LockBackend) {
    this.#repository = repository;
  }

  /** The notifier of `repository` (created on first use). */
  static of(repository: LockBackend): ReleaseNotifier {
    let notifier = notifiers.get(repository);
    if (notifier === undefined) {
      notifier = new ReleaseNotifier(repository);
      notifiers.set(repository, notifier);
    }
    return notifier;
  }

  /** Calls `listener` whenever `watch`'s key is announced as released, until the returned function is called. */
  watch(watch: ReleaseWatch, listener: () => void): () => void {
    let entry = this.#channels.get(watch.channel);
    if (entry === undefined) {
      entry = {
        watch,
        listeners: new Map(),
        size: 0,
        subscription: undefined,
        live: false,
        lingering: undefined,
      };
      this.#channels.set(watch.channel, entry);
    }
    clearTimeout(entry.lingering);
    entry.lingering = undefined;
    let listeners = entry.listeners.get(watch.fullKey);
    if (listeners === undefined) {
      listeners = new Set();
      entry.listeners.set(watch.fullKey, listeners);
    }
    const own = () => listener();
    listeners.add(own);
    entry.size++;
    this.#subscribe(entry);
    return () => {
      if (!listeners.delete(own)) return;
      if (listeners.size === 0) entry.listeners.delete(watch.fullKey);
      if (--entry.size > 0) return;
      if (entry.watch.unheard === undefined) {
        this.#close(entry);
        return;
      }
      entry.lingering = setTimeout(() => {
        entry.lingering = undefined;
        if (entry.size === 0) this.#close(entry);
      }, LINGER_MS);
      entry.lingering.unref?.();
    };
  }

  /**
   * Opens a fresh subscription for `watch`'s key. Called when the key was found released without
   * an announcement, which happens when the old subscription died with its connection (e.g.
   * `disconnect()` and `connect()` of the repository).
   */
  resubscribe(watch: ReleaseWatch): void {
    const entry = this.#channels.get(watch.channel);
    if (entry?.subscription === undefined) return;
    close(entry.subscription);
    entry.subscription = undefined;
    entry.live = false;
    this.#subscribe(entry);
  }

  /** Whether `watch`'s subscription is active. */
  live(watch: ReleaseWatch): boolean {
    return this.#channels.get(watch.channel)?.live === true;
  }

  /** Resolves once `watch`'s subscription is active, or has failed (waiters then rely on re-checks). */
  async ready(watch: ReleaseWatch): Promise<void> {
    await this.#channels.get(watch.channel)?.subscription;
  }

  #subscribe(entry: ChannelWatch): void {
    if (entry.subscription !== undefined) return;
    const { channel, sharded } = entry.watch;
    const subscription = this.#repository
      .subscribe(channel, (fullKey) => this.#dispatch(entry, fullKey), { sharded })
      .catch(() => {
        // Fall back to re-checks; try again on the next wait.
        if (entry.subscription === subscription) entry.subscription = undefined;
        return undefined;
      });
    entry.subscription = subscription;
    subscription.then((unsubscribe) => {
      if (entry.subscription === subscription && unsubscribe !== undefined) entry.live = true;
    });
  }

  #dispatch(entry: ChannelWatch, fullKey: string): void {
    const listeners = entry.listeners.get(fullKey);
    if (listeners === undefined) {
      entry.watch.unheard?.(fullKey);
      return;
    }
    for (const listener of [...listeners]) listener();
  }

  /** Forgets `entry` and ends its subscription. */
  #close(entry: ChannelWatch): void {
    if (this.#channels.get(entry.watch.channel) === entry) this.#channels.delete(entry.watch.channel);
    close(entry.subscription);
    entry.subscription = undefined;
    entry.live = false;
  }
}

/** Ends a subscription, quietly: the connection may be gone already, with nothing to clean up. */
function close(subscription: Promise<Unsubscribe | undefined> | undefined): void {
  subscription?.then((unsubscribe) => unsubscribe?.()).catch(() => {});
}

const queues = new WeakMap<LockBackend, Map<string, LocalQueue>>();

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
        return wokenWithin(ms, signal, (next) => {
          wake = next ?? (() => {});
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

/**
 * The order in which this process's waiters of one key claim a handoff. A release wakes every
 * waiting process at once; within one process the wake-ups run in socket order, so without this
 * the same connection would win every race its waiter enters. Here a woken waiter first lets the
 * waiters of the same key that have waited longer (in this process, on any repository) make their
 * attempt, for at most {@link YIELD_MS}: waiters are served oldest first, as a queue would.
 */
export class ClaimOrder {
  readonly #peers: Set<ClaimOrder>;
  readonly #fullKey: string;
  /** Monotonic instant at which this waiter started waiting. */
  readonly since: number;
  #attempted: Promise<void>;
  #resolve: () => void = () => {};

  /** Registers a waiter for `fullKey` that started waiting at `since`. */
  constructor(fullKey: string, since: number) {
    let peers = waiters.get(fullKey);
    if (peers === undefined) {
      peers = new Set();
      waiters.set(fullKey, peers);
    }
    peers.add(this);
    this.#peers = peers;
    this.#fullKey = fullKey;
    this.since = since;
    this.#attempted = this.#next();
  }

  /** Resolves once every older waiter of the key has made its next attempt, or after `YIELD_MS`. */
  async turn(): Promise<void> {
    const older: Promise<void>[] = [];
    for (const peer of this.#peers) if (peer.since < this.since) older.push(peer.#attempted);
    if (older.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(older),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, YIELD_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Records that this waiter made an attempt: younger ones waiting for it go on. */
  attempted(): void {
    this.#resolve();
    this.#attempted = this.#next();
  }

  /** Leaves (acquired or gave up). Idempotent. */
  leave(): void {
    this.#resolve();
    this.#peers.delete(this);
    if (this.#peers.size === 0 && waiters.get(this.#fullKey) === this.#peers) waiters.delete(this.#fullKey);
  }

  #next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
  }
}

/** Longest a woken waiter lets older ones go first, in ms: about a round trip on a busy machine. */
const YIELD_MS = 2;

/** Waiters of this process by full key (a key of the same name on two servers shares an entry: harmless). */
const waiters = new Map<string, Set<ClaimOrder>>();

/**
 * Waits up to `ms` for a wake-up: hands `setWake` the function that ends the wait with `true`
 * (and `undefined` once the wait is over), resolves `false` when the time runs out, and rejects
 * with `signal.reason` if `signal` aborts.
 */
function wokenWithin(
  ms: number,
  signal: AbortSignal | undefined,
  setWake: (wake: (() => void) | undefined) => void,
): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      setWake(undefined);
    };
    const abort = () => {
      done();
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve(false);
    }, timerDelay(ms));
    setWake(() => {
      done();
      resolve(true);
    });
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/** Longest delay `setTimeout` honours (2^31 − 1 ms, about 24.8 days); longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A delay safe to pass to `setTimeout`: whole milliseconds, not negative, and capped so a long
 * lease or wait does not overflow into an immediate (and then repeating) timer. Callers whose
 * timer fires before their real deadline look at the clock and arm again.
 */
export function timerDelay(ms: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(ms)));
}
