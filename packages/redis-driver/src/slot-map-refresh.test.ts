import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RedisClient } from './create-client.js';
import { refreshSlotMapOnTimeout } from './slot-map-refresh.js';

describe('refreshSlotMapOnTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('re-reads a Cluster slot map after a timeout, at most once per interval per client', () => {
    const cluster = { isCluster: true, refreshSlotsCache: vi.fn() } as unknown as RedisClient;
    const other = { isCluster: true, refreshSlotsCache: vi.fn() } as unknown as RedisClient;
    const onTimeout = refreshSlotMapOnTimeout(100);
    onTimeout(cluster);
    onTimeout(cluster);
    onTimeout(other);
    vi.advanceTimersByTime(100);
    onTimeout(cluster);
    expect(vi.mocked((cluster as { refreshSlotsCache: () => void }).refreshSlotsCache)).toHaveBeenCalledTimes(
      2,
    );
    expect(vi.mocked((other as { refreshSlotsCache: () => void }).refreshSlotsCache)).toHaveBeenCalledTimes(
      1,
    );
  });

  it('does nothing for a standalone or Sentinel connection', () => {
    const standalone = { isCluster: false, refreshSlotsCache: vi.fn() } as unknown as RedisClient;
    refreshSlotMapOnTimeout(100)(standalone);
    expect(
      vi.mocked((standalone as { refreshSlotsCache: () => void }).refreshSlotsCache),
    ).not.toHaveBeenCalled();
  });
});
