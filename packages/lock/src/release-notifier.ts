import type { CacheRepository, Unsubscribe } from '@forno/core';
import { RELEASE_CHANNEL } from './lease-store.js';

/** How long the subscription outlives its last waiter, so bursts of contention do not resubscribe. */
const LINGER_MS = 5_000;

const notifiers = new WeakMap<CacheRepository, ReleaseNotifier>();

/**
 * One subscription per repository to the release channel, shared by every waiter in the process
 * and filtered by the full key in each message. It is opened lazily, on the first wait, and closed
 * a while after the last waiter leaves. If subscribing fails, waiters fall back to re-checking
 * (bounded by the holder's remaining lease), so a broken subscription costs latency, never safety.
 */
export class ReleaseNotifier {
  readonly #repository: CacheRepository;
  readonly #listeners = new Map<string, Set<() => void>>();
  #watchers = 0;
  #subscription: Promise<Unsubscribe | undefined> | undefined;
  #linger: ReturnType<typeof setTimeout> | undefined;

  private constructor(repository: CacheRepository) {
    this.#repository = repository;
  }

  /** The notifier of `repository` (created on first use). */
  static of(repository: CacheRepository): ReleaseNotifier {
    let notifier = notifiers.get(repository);
    if (notifier === undefined) {
      notifier = new ReleaseNotifier(repository);
      notifiers.set(repository, notifier);
    }
    return notifier;
  }

  /** Calls `listener` whenever `fullKey` is announced as released, until the returned function is called. */
  watch(fullKey: string, listener: () => void): () => void {
    let listeners = this.#listeners.get(fullKey);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(fullKey, listeners);
    }
    const own = () => listener();
    listeners.add(own);
    this.#watchers++;
    if (this.#linger !== undefined) {
      clearTimeout(this.#linger);
      this.#linger = undefined;
    }
    this.#subscribe();
    return () => {
      if (!listeners.delete(own)) return;
      if (listeners.size === 0 && this.#listeners.get(fullKey) === listeners) this.#listeners.delete(fullKey);
      if (--this.#watchers === 0) this.#scheduleUnsubscribe();
    };
  }

  /**
   * Opens a fresh subscription. Called when a key was found released without an announcement,
   * which happens when the old subscription died with its connection (e.g. `disconnect()` and
   * `connect()` of the repository): waiters would otherwise fall back to re-checks for good.
   */
  resubscribe(): void {
    const old = this.#subscription;
    if (old === undefined) return;
    this.#subscription = undefined;
    old.then((unsubscribe) => unsubscribe?.()).catch(() => {});
    if (this.#watchers > 0) this.#subscribe();
  }

  /** Resolves once the subscription is active, or has failed (waiters then rely on re-checks). */
  async ready(): Promise<void> {
    await this.#subscription;
  }

  #subscribe(): void {
    if (this.#subscription !== undefined) return;
    const subscription = this.#repository
      .subscribe(RELEASE_CHANNEL, (message) => this.#dispatch(message))
      .catch(() => {
        // Fall back to re-checks; try again on the next wait.
        if (this.#subscription === subscription) this.#subscription = undefined;
        return undefined;
      });
    this.#subscription = subscription;
  }

  #scheduleUnsubscribe(): void {
    this.#linger = setTimeout(() => {
      this.#linger = undefined;
      const subscription = this.#subscription;
      if (this.#watchers > 0 || subscription === undefined) return;
      this.#subscription = undefined;
      subscription
        .then((unsubscribe) => unsubscribe?.())
        .catch(() => {
          // The connection may be gone already; nothing to clean up then.
        });
    }, LINGER_MS);
    this.#linger.unref?.();
  }

  #dispatch(fullKey: string): void {
    const listeners = this.#listeners.get(fullKey);
    if (listeners === undefined) return;
    for (const listener of [...listeners]) listener();
  }
}
