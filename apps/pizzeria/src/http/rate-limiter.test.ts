import { ManualClock } from '@forno/testing';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('refuses a client over its budget until its window ends, then starts a new window', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ max: 2, writeMax: 1, timeWindow: 60_000, clock });
    expect(limiter.take('a', 'any').allowed).toBe(true);
    expect(limiter.take('a', 'any').allowed).toBe(true);
    clock.advance(15_000);
    expect(limiter.take('a', 'any')).toEqual({ allowed: false, retryAfterMs: 45_000 });
    expect(limiter.take('a', 'write').allowed).toBe(true); // a separate budget
    expect(limiter.take('a', 'write').allowed).toBe(false);
    expect(limiter.take('b', 'any').allowed).toBe(true); // a separate client
    clock.advance(45_000);
    expect(limiter.take('a', 'any')).toEqual({ allowed: true, retryAfterMs: 60_000 });
  });

  it('remembers at most maxClients windows: expired ones go first, then the oldest', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ max: 1, timeWindow: 1_000, maxClients: 3, clock });
    for (const client of ['a', 'b', 'c']) limiter.take(client, 'any');
    expect(limiter.take('a', 'any').allowed).toBe(false);
    limiter.take('d', 'any'); // full of live windows: the oldest ('a') is forgotten
    expect(limiter.take('a', 'any').allowed).toBe(true);
    clock.advance(1_000);
    for (const client of ['e', 'f', 'g']) expect(limiter.take(client, 'any').allowed).toBe(true);
    expect(limiter.take('g', 'any').allowed).toBe(false);
  });
});
