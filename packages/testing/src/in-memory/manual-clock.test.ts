import { InvalidArgumentError } from '@forno/core';
import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('moves wall and monotonic time only when advanced', () => {
    const clock = new ManualClock(1_000);
    expect([clock.now(), clock.monotonic()]).toEqual([1_000, 0]);
    clock.advance(250);
    expect([clock.now(), clock.monotonic()]).toEqual([1_250, 250]);
    clock.setWallTime(5);
    expect([clock.now(), clock.monotonic()]).toEqual([5, 250]);
    expect(() => clock.advance(-1)).toThrow(InvalidArgumentError);
    expect(() => clock.advance(Number.NaN)).toThrow(InvalidArgumentError);
  });

  it('runs scheduled callbacks in due order as time passes, each seeing its due time', () => {
    const clock = new ManualClock(0);
    const ran: string[] = [];
    clock.setTimeout(() => ran.push(`b@${clock.monotonic()}`), 200);
    clock.setTimeout(() => ran.push(`a@${clock.monotonic()}`), 100);
    clock.setTimeout(() => ran.push(`a2@${clock.monotonic()}`), 100);
    clock.advance(99);
    expect(ran).toEqual([]);
    expect(clock.pendingTimers).toBe(3);
    clock.advance(150);
    expect(ran).toEqual(['a@100', 'a2@100', 'b@200']);
    expect([clock.now(), clock.monotonic()]).toEqual([249, 249]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('runs a callback scheduled by another callback when it falls due in the same advance', () => {
    const clock = new ManualClock(0);
    const ran: number[] = [];
    clock.setTimeout(() => {
      ran.push(clock.monotonic());
      clock.setTimeout(() => ran.push(clock.monotonic()), 50);
    }, 50);
    clock.advance(100);
    expect(ran).toEqual([50, 100]);
  });

  it('does not run a cleared callback, and a 0 ms wait runs on the next advance', () => {
    const clock = new ManualClock(0);
    const ran: string[] = [];
    const handle = clock.setTimeout(() => ran.push('cleared'), 10);
    clock.setTimeout(() => ran.push('now'), 0);
    clock.clearTimeout(handle);
    clock.clearTimeout('not a handle');
    clock.advance(0);
    expect(ran).toEqual(['now']);
    clock.advance(100);
    expect(ran).toEqual(['now']);
  });
});
