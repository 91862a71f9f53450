import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineQueue, type Expiring } from './deadline-queue.js';

/** An item that records when it expired (on the faked clock). */
function item(deadline: number, expired: Array<[number, number]>): Expiring {
  return {
    deadline,
    previous: undefined,
    next: undefined,
    queued: false,
    expire: () => expired.push([deadline, performance.now()]),
  };
}

describe('DeadlineQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires each item at its own deadline, on one timer', async () => {
    const queue = new DeadlineQueue();
    const expired: Array<[number, number]> = [];
    const now = performance.now();
    for (const delay of [100, 100, 150, 400]) queue.add(item(now + delay, expired));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(expired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(expired.map(([deadline]) => deadline - now)).toEqual([100, 100]);
    await vi.advanceTimersByTimeAsync(300);
    expect(expired.map(([deadline, at]) => [deadline - now, at - now])).toEqual([
      [100, 100],
      [100, 100],
      [150, 150],
      [400, 400],
    ]);
  });

  it('never expires a removed item, and arms no timer again once empty', async () => {
    const queue = new DeadlineQueue();
    const expired: Array<[number, number]> = [];
    const now = performance.now();
    const first = item(now + 100, expired);
    const second = item(now + 200, expired);
    queue.add(first);
    queue.add(second);
    queue.remove(first);
    queue.remove(first); // twice: nothing happens
    await vi.advanceTimersByTimeAsync(150);
    expect(expired).toEqual([]);
    queue.remove(second);
    await vi.advanceTimersByTimeAsync(500);
    expect(expired).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    queue.add(item(performance.now() + 50, expired));
    await vi.advanceTimersByTimeAsync(50);
    expect(expired).toHaveLength(1);
  });

  it('does not keep the process alive while empty, and does again on the next item', () => {
    vi.useRealTimers();
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const before = timers();
    const queue = new DeadlineQueue();
    const first = item(performance.now() + 60_000, []);
    queue.add(first);
    expect(timers()).toBe(before + 1);
    queue.remove(first);
    expect(timers()).toBe(before);
    const second = item(performance.now() + 60_000, []);
    queue.add(second);
    expect(timers()).toBe(before + 1);
    queue.remove(second);
  });

  it('keeps deadline order when an item comes with an earlier deadline than the last', async () => {
    const queue = new DeadlineQueue();
    const expired: Array<[number, number]> = [];
    const now = performance.now();
    queue.add(item(now + 300, expired));
    queue.add(item(now + 100, expired));
    queue.add(item(now + 200, expired));
    await vi.advanceTimersByTimeAsync(100);
    expect(expired.map(([deadline, at]) => [deadline - now, at - now])).toEqual([[100, 100]]);
    await vi.advanceTimersByTimeAsync(200);
    expect(expired.map(([deadline]) => deadline - now)).toEqual([100, 200, 300]);
  });
});
