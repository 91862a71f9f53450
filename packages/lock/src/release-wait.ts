import type { ReleaseWatch } from './lease-store.js';
import { ReleaseNotifier } from './release-notifier.js';
import { timerDelay } from './timer-delay.js';

/**
 * One waiter's view of release announcements. `arm()` before each attempt, then `sleep()`: it
 * returns at once if a release was announced since `arm()` (so a release between the refused
 * attempt and the sleep is never lost), else on the next announcement, the timer, or an abort.
 */
export class ReleaseWait {
  readonly #notifiers: readonly ReleaseNotifier[];
  readonly #disposers: (() => void)[];
  #released = false;
  #wake: (() => void) | undefined;

  constructor(watches: readonly ReleaseWatch[]) {
    this.#notifiers = watches.map((w) => ReleaseNotifier.of(w.repository));
    this.#disposers = watches.map((w, i) => this.#notifiers[i]!.watch(w.fullKey, () => this.#onRelease()));
  }

  /** Resolves once every subscription is active (or has failed over to re-checks). */
  async ready(): Promise<void> {
    await Promise.all(this.#notifiers.map((n) => n.ready()));
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
    return new Promise<boolean>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        this.#wake = undefined;
      };
      const abort = () => {
        done();
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        done();
        resolve(false);
      }, timerDelay(ms));
      this.#wake = () => {
        done();
        resolve(true);
      };
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /** Renews the subscriptions: an announcement was evidently missed (see `ReleaseNotifier.resubscribe`). */
  resubscribe(): void {
    for (const notifier of this.#notifiers) notifier.resubscribe();
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
