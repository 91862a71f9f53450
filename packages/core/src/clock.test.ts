import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from './clock.js';

describe('systemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads wall time from Date.now()', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
    expect(systemClock.now()).toBe(Date.parse('2025-01-01T00:00:00Z'));
    vi.advanceTimersByTime(1_500);
    expect(systemClock.now()).toBe(Date.parse('2025-01-01T00:00:01.500Z'));
  });

  it('reads monotonic time from performance.now(), which fake timers control', () => {
    vi.useFakeTimers();
    const start = systemClock.monotonic();
    vi.advanceTimersByTime(30_000);
    expect(systemClock.monotonic() - start).toBe(30_000);
  });

  it('keeps monotonic time steady when the wall clock is set back', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
    const start = systemClock.monotonic();
    vi.setSystemTime(new Date('2024-01-01T00:00:00Z'));
    expect(systemClock.monotonic()).toBe(start);
    expect(systemClock.now()).toBe(Date.parse('2024-01-01T00:00:00Z'));
  });
});
