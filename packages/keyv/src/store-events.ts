import { notifySafely } from '@forno/core';

/** A listener of the store's events (Keyv registers one for `'error'`). */
export type StoreListener = (...args: unknown[]) => void;

/**
 * The few lines of event plumbing Keyv expects of a store (`on`, `off`, `once`). Unlike Node's
 * `EventEmitter`, emitting `'error'` with no listener does not throw, and a listener that throws
 * (or rejects) cannot break the store operation that notified it.
 */
export class StoreEvents {
  readonly #listeners = new Map<string, StoreListener[]>();

  /** Adds `listener` for `event`. */
  on(event: string, listener: StoreListener): void {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
  }

  /** Removes one registration of `listener` for `event`. */
  off(event: string, listener: StoreListener): void {
    const listeners = this.#listeners.get(event) ?? [];
    const index = listeners.indexOf(listener);
    if (index !== -1) this.#listeners.set(event, listeners.toSpliced(index, 1));
  }

  /** Number of listeners for `event`. */
  listenerCount(event: string): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Calls every listener of `event` with `value`. */
  emit(event: string, value: unknown): void {
    for (const listener of this.#listeners.get(event) ?? []) notifySafely(listener, value);
  }
}
