import type { CacheEvent } from '@forno/core';
import { InMemoryCacheRepository, InMemoryStore } from '@forno/testing';

/**
 * A fresh in-memory repository (its own store unless one is given). Its store runs no active-expiry
 * timer, so tests can count the lock's own timers (`vi.getTimerCount()`); keys still expire when read.
 */
export function fakeRepository(options: { keyPrefix?: string; store?: InMemoryStore } = {}) {
  return new InMemoryCacheRepository({
    keyPrefix: options.keyPrefix ?? 'test:',
    store: options.store ?? new InMemoryStore({ activeExpiry: false }),
  });
}

/** Collects the `lock` events' actions. */
export function recordActions(source: { onEvent(listener: (event: CacheEvent) => void): () => void }) {
  const actions: string[] = [];
  source.onEvent((event) => {
    if (event.type === 'lock') actions.push(event.action);
  });
  return actions;
}

/** Lets pending promise callbacks run (the fake answers on microtasks). */
export async function flush(times = 10): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
}
