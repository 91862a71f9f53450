import { InvalidConfigError } from '@forno/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SamplingBreaker } from './sampling-breaker.js';

describe('SamplingBreaker', () => {
  it('opens once the window holds minimumCalls and the failure ratio reaches the threshold', () => {
    const breaker = new SamplingBreaker({ threshold: 0.5, duration: '10s', minimumCalls: 4 });
    breaker.success(0);
    expect(breaker.failure(100)).toBe(false); // 1/2, but only 2 calls
    breaker.success(200);
    expect(breaker.failure(300)).toBe(true); // 2/4
  });

  it('stays closed below the threshold and opens exactly at it', () => {
    const breaker = new SamplingBreaker({ threshold: 0.3, minimumCalls: 10 });
    for (let i = 0; i < 7; i++) breaker.success(i);
    expect(breaker.failure(10)).toBe(false); // 1/8, and under minimumCalls
    expect(breaker.failure(11)).toBe(false); // 2/9
    expect(breaker.failure(12)).toBe(true); // 3/10 = 0.3
  });

  it('forgets calls older than the window, bucket by bucket', () => {
    const breaker = new SamplingBreaker({ threshold: 0.5, duration: '10s', minimumCalls: 2 });
    breaker.success(0);
    breaker.success(500);
    expect(breaker.counts(9_999)).toEqual({ successes: 2, failures: 0 });
    // The first 1s bucket expires at 10s; everything has expired by 11s.
    expect(breaker.counts(10_000)).toEqual({ successes: 0, failures: 0 });
    expect(breaker.failure(60_000)).toBe(false); // only one call in the window
    expect(breaker.failure(60_001)).toBe(true);
  });

  it('handles gaps longer than the window', () => {
    const breaker = new SamplingBreaker({ threshold: 1, duration: '1s', minimumCalls: 3 });
    breaker.failure(0);
    breaker.failure(1);
    expect(breaker.failure(5_000)).toBe(false);
    expect(breaker.counts(5_000)).toEqual({ successes: 0, failures: 1 });
  });

  it('reset() empties the window', () => {
    const breaker = new SamplingBreaker({ threshold: 0.5, minimumCalls: 2 });
    breaker.failure(0);
    breaker.reset();
    expect(breaker.counts(0)).toEqual({ successes: 0, failures: 0 });
    expect(breaker.failure(1)).toBe(false);
  });

  it('derives minimumCalls from minimumRps or from the threshold', () => {
    expect(new SamplingBreaker({ threshold: 0.5, duration: '10s', minimumRps: 2 }).minimumCalls).toBe(20);
    expect(new SamplingBreaker({ threshold: 0.5 }).minimumCalls).toBe(10);
    expect(new SamplingBreaker({ threshold: 0.25 }).minimumCalls).toBe(20);
  });

  it('agrees with a naive count over the exact sliding window (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.boolean()), { maxLength: 200 }),
        (steps) => {
          const breaker = new SamplingBreaker({ threshold: 0.5, duration: 1_000, minimumCalls: 1 });
          const log: [number, boolean][] = [];
          let now = 0;
          for (const [gap, ok] of steps) {
            now += gap;
            if (ok) breaker.success(now);
            else breaker.failure(now);
            log.push([now, ok]);
            // Buckets are 100ms: the window holds the calls from the last 10 buckets.
            const from = (Math.floor(now / 100) - 9) * 100;
            const inWindow = log.filter(([t]) => t >= from);
            expect(breaker.counts(now)).toEqual({
              successes: inWindow.filter(([, s]) => s).length,
              failures: inWindow.filter(([, s]) => !s).length,
            });
          }
        },
      ),
    );
  });

  it.each([
    [{ threshold: 0 }, 'options.threshold'],
    [{ threshold: 1.2 }, 'options.threshold'],
    [{}, 'options.threshold'],
    [{ threshold: 0.5, duration: 0 }, 'options.duration'],
    [{ threshold: 0.5, minimumCalls: 0 }, 'options.minimumCalls'],
    [{ threshold: 0.5, minimumCalls: 5, minimumRps: 1 }, 'options.minimumRps'],
    [{ threshold: 0.5, window: '1s' }, 'options.window'],
  ])('rejects %o naming %s', (options, argument) => {
    let error: unknown;
    try {
      new SamplingBreaker(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).argument).toBe(argument);
  });
});
