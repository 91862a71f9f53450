import { InMemoryCacheRepository } from '@forno/testing';
import { describe, expect, it } from 'vitest';
import {
  fromKitchenScore,
  KitchenQueueService,
  kitchenScore,
  MAX_PRIORITY,
} from './kitchen-queue-service.js';

describe('kitchenScore', () => {
  const now = Date.UTC(2026, 4, 1, 12);

  it('orders by priority first, then older first, and round-trips exactly', () => {
    expect(kitchenScore(1, now + 60_000)).toBeGreaterThan(kitchenScore(0, now));
    expect(kitchenScore(0, now)).toBeGreaterThan(kitchenScore(0, now + 1));
    for (const [priority, at] of [
      [0, 0],
      [3, now],
      [MAX_PRIORITY, Date.UTC(2200, 0, 1)],
    ] as const) {
      const score = kitchenScore(priority, at);
      expect(Number.isSafeInteger(score)).toBe(true);
      expect(fromKitchenScore(score)).toEqual({ priority, queuedAtMs: at });
    }
  });

  it('refuses a priority outside 0-100 before touching the cache', async () => {
    const kitchen = new KitchenQueueService(new InMemoryCacheRepository());
    await expect(kitchen.addOrderToQueue('o-1', 101)).rejects.toThrow(/priority/);
    await expect(kitchen.addOrderToQueue('o-1', 1.5)).rejects.toThrow(/priority/);
  });
});
