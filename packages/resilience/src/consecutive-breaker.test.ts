import { InvalidConfigError } from '@forno/core';
import { describe, expect, it } from 'vitest';
import { ConsecutiveBreaker } from './consecutive-breaker.js';

describe('ConsecutiveBreaker', () => {
  it('opens on the threshold-th consecutive failure', () => {
    const breaker = new ConsecutiveBreaker(3);
    expect([breaker.failure(), breaker.failure(), breaker.failure()]).toEqual([false, false, true]);
    expect(breaker.failures).toBe(3);
  });

  it('starts over after a success or a reset', () => {
    const breaker = new ConsecutiveBreaker(2);
    breaker.failure();
    breaker.success();
    expect(breaker.failure()).toBe(false);
    breaker.reset();
    expect(breaker.failure()).toBe(false);
    expect(breaker.failure()).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects threshold %s', (threshold) => {
    expect(() => new ConsecutiveBreaker(threshold)).toThrow(InvalidConfigError);
  });
});
