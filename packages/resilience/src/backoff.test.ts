import { InvalidConfigError, seededRandom } from '@forno/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sequenceRandom } from '../test/test-helpers.js';
import { backoffDelays } from './backoff.js';

describe('backoffDelays', () => {
  it('is 100, 200, 400 ms with the defaults and no jitter', () => {
    expect(backoffDelays({ jitter: 'none' })).toEqual([100, 200, 400]);
    expect(
      backoffDelays({ retries: 3, retryDelay: 0.1 * 1000, backoffFactor: 2, maxRetryDelay: '1s', jitter: 0 }),
    ).toEqual([100, 200, 400]);
  });

  it('caps every delay at maxRetryDelay', () => {
    expect(backoffDelays({ retries: 7, jitter: 'none' })).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(backoffDelays({ retries: 4, retryDelay: '1s', maxRetryDelay: '2.5s', jitter: 'none' })).toEqual([
      1000, 2000, 2500, 2500,
    ]);
  });

  it('applies full and equal jitter exactly for a given random sequence', () => {
    const random = () => sequenceRandom(0.25, 0.5, 0.75, 0);
    // capped × (1 − jitter × r): 100×0.75, 200×0.5, 400×0.25, 800×1
    expect(backoffDelays({ retries: 4, jitter: 'full' }, random())).toEqual([75, 100, 100, 800]);
    // 100×0.875, 200×0.75, 400×0.625, 800×1
    expect(backoffDelays({ retries: 4, jitter: 'equal' }, random())).toEqual([87, 150, 250, 800]);
    // a fraction: 100×0.95, 200×0.9, 400×0.85, 800×1
    expect(backoffDelays({ retries: 4, jitter: 0.2 }, random())).toEqual([95, 180, 340, 800]);
  });

  it('is reproducible with a seeded random source', () => {
    const options = { retries: 6, retryDelay: '50ms', maxRetryDelay: '2s', jitter: 'full' } as const;
    const first = backoffDelays(options, seededRandom(42));
    expect(first).toEqual(backoffDelays(options, seededRandom(42)));
    expect(first).toEqual([19, 55, 29, 132, 660, 757]);
    // …and is exactly the documented formula applied to the same seeded stream.
    const random = seededRandom(42);
    const bases = [50, 100, 200, 400, 800, 1600];
    expect(first).toEqual(bases.map((base) => Math.floor(base * (1 - random()))));
    expect(first).not.toEqual(backoffDelays(options, seededRandom(7)));
  });

  it('defaults to equal jitter: between half and all of the exponential delay', () => {
    expect(backoffDelays({}, () => 0)).toEqual([100, 200, 400]);
    expect(backoffDelays({}, () => 0.999_999)).toEqual([50, 100, 200]);
  });

  it('clamps a misbehaving random source into [0, 1]', () => {
    expect(backoffDelays({ jitter: 'full' }, () => 7)).toEqual([0, 0, 0]);
    expect(backoffDelays({ jitter: 'full' }, () => -1)).toEqual([100, 200, 400]);
    expect(backoffDelays({ jitter: 'full' }, () => Number.NaN)).toEqual([100, 200, 400]);
  });

  it('returns no delays for zero retries and zeros for a zero retryDelay', () => {
    expect(backoffDelays({ retries: 0 })).toEqual([]);
    expect(backoffDelays({ retries: 3, retryDelay: 0, maxRetryDelay: 0 })).toEqual([0, 0, 0]);
  });

  it.each([
    [{ retries: -1 }, 'options.retries'],
    [{ retries: 1.5 }, 'options.retries'],
    [{ retryDelay: Number.NaN }, 'options.retryDelay'],
    [{ retryDelay: '100 parsecs' }, 'options.retryDelay'],
    [{ maxRetryDelay: -5 }, 'options.maxRetryDelay'],
    [{ retryDelay: '2s' }, 'options.maxRetryDelay'],
    [{ backoffFactor: 0.5 }, 'options.backoffFactor'],
    [{ backoffFactor: Number.POSITIVE_INFINITY }, 'options.backoffFactor'],
    [{ jitter: 'fulll' }, 'options.jitter'],
    [{ jitter: 1.5 }, 'options.jitter'],
    [{ jitter: 'toString' }, 'options.jitter'],
    [{ retires: 3 }, 'options.retires'],
  ])('rejects %o naming %s', (options, argument) => {
    const error = (() => {
      try {
        backoffDelays(options as never);
      } catch (e) {
        return e;
      }
    })();
    expect(InvalidConfigError.is(error)).toBe(true);
    expect((error as InvalidConfigError).argument).toBe(argument);
  });

  const options = fc.record({
    retries: fc.integer({ min: 0, max: 30 }),
    retryDelay: fc.integer({ min: 0, max: 10_000 }),
    backoffFactor: fc.double({ min: 1, max: 10, noNaN: true }),
    extra: fc.integer({ min: 0, max: 100_000 }),
    jitter: fc.oneof(
      fc.constantFrom('none' as const, 'equal' as const, 'full' as const),
      fc.double({ min: 0, max: 1, noNaN: true }),
    ),
  });

  it('keeps every delay within [0, maxRetryDelay] (property)', () => {
    fc.assert(
      fc.property(options, fc.integer(), ({ extra, ...o }, seed) => {
        const maxRetryDelay = o.retryDelay + extra;
        const delays = backoffDelays({ ...o, maxRetryDelay }, seededRandom(seed));
        expect(delays).toHaveLength(o.retries);
        for (const delay of delays) {
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(maxRetryDelay);
        }
      }),
    );
  });

  it('is non-decreasing without jitter (property)', () => {
    fc.assert(
      fc.property(options, ({ extra, ...o }) => {
        const delays = backoffDelays({ ...o, maxRetryDelay: o.retryDelay + extra, jitter: 'none' });
        for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
      }),
    );
  });
});
