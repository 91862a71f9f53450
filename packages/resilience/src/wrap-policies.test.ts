import { CacheTimeoutError, CacheUnavailableError, InvalidConfigError } from '@forno/core';
import { ManualClock } from '@forno/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BrokenCircuitError } from './broken-circuit-error.js';
import { CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import type { Policy, PolicyContext } from './policy.js';
import { type GiveUpEvent, RetryPolicy } from './retry-policy.js';
import { TimeoutPolicy } from './timeout-policy.js';
import { wrapPolicies } from './wrap-policies.js';

const down = () => new CacheUnavailableError('connection refused');

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function recording(name: string, log: string[]): Policy {
  return {
    async execute(fn, signal) {
      log.push(`${name}:in`);
      try {
        return await fn({ signal: signal ?? new AbortController().signal, attempt: 1 });
      } finally {
        log.push(`${name}:out`);
      }
    },
  };
}

describe('wrapPolicies', () => {
  it('runs the first policy outermost', async () => {
    const log: string[] = [];
    const policy = wrapPolicies(recording('a', log), recording('b', log), recording('c', log));
    await expect(
      policy.execute(() => {
        log.push('fn');
        return 1;
      }),
    ).resolves.toBe(1);
    expect(log).toEqual(['a:in', 'b:in', 'c:in', 'fn', 'c:out', 'b:out', 'a:out']);
  });

  it('with no policies just runs fn', async () => {
    await expect(wrapPolicies().execute(({ attempt }) => attempt)).resolves.toBe(1);
    await expect(wrapPolicies().execute(() => 1, AbortSignal.abort('stop'))).rejects.toBe('stop');
  });

  it('wrap(retry, breaker, timeout): retries stop as soon as the breaker opens', async () => {
    const clock = new ManualClock();
    const retry = new RetryPolicy({ retries: 10, retryDelay: '100ms', jitter: 'none' });
    const breaker = new CircuitBreakerPolicy({ failureThreshold: 3, recoveryTimeout: '30s', clock });
    const giveUps: GiveUpEvent[] = [];
    retry.onGiveUp((event) => giveUps.push(event));
    const policy = wrapPolicies(retry, breaker, new TimeoutPolicy('1s'));
    const fn = vi.fn(async () => {
      throw down();
    });
    const result = policy.execute(fn);
    const settled = expect(result).rejects.toBeInstanceOf(BrokenCircuitError);
    await vi.runAllTimersAsync();
    await settled;
    // 3 attempts reach Redis and open the circuit; the 4th is rejected fast and not retried.
    expect(fn).toHaveBeenCalledTimes(3);
    expect(breaker.state).toBe('open');
    expect(giveUps).toEqual([
      { reason: 'not-retryable', attempts: 4, error: expect.any(BrokenCircuitError) },
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives each attempt its own timeout, and the breaker counts each timed-out attempt', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreakerPolicy({ failureThreshold: 5, clock });
    const policy = wrapPolicies(
      new RetryPolicy({ retries: 2, retryDelay: '100ms', jitter: 'none' }),
      breaker,
      new TimeoutPolicy('250ms'),
    );
    const starts: number[] = [];
    const aborted: boolean[] = [];
    const signals: AbortSignal[] = [];
    const start = Date.now();
    const result = policy.execute(({ signal, attempt }) => {
      starts.push(Date.now() - start);
      signals.push(signal);
      if (attempt === 3) return 'third time lucky';
      return new Promise<string>(() => {});
    });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('third time lucky');
    // 250ms timeout + 100ms delay, then 250ms + 200ms.
    expect(starts).toEqual([0, 350, 800]);
    for (const signal of signals) aborted.push(signal.aborted);
    expect(aborted).toEqual([true, true, false]);
    expect(CacheTimeoutError.is(signals[0]?.reason)).toBe(true);
    expect(breaker.state).toBe('closed');
  });

  it('passes the retry attempt number through inner policies', async () => {
    const contexts: PolicyContext[] = [];
    const policy = wrapPolicies(
      new RetryPolicy({ retries: 2, retryDelay: 0 }),
      new CircuitBreakerPolicy(),
      new TimeoutPolicy('1s'),
    );
    const result = policy.execute((context) => {
      contexts.push(context);
      if (context.attempt < 3) throw down();
      return 'ok';
    });
    await vi.runAllTimersAsync();
    await result;
    expect(contexts.map((c) => c.attempt)).toEqual([1, 2, 3]);
  });

  it('aborting the caller signal stops everything at once', async () => {
    const controller = new AbortController();
    const policy = wrapPolicies(
      new RetryPolicy({ retryDelay: '1s', maxRetryDelay: '1s' }),
      new TimeoutPolicy('5s'),
    );
    const fn = vi.fn(() => new Promise<never>(() => {}));
    const result = policy.execute(fn, controller.signal);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort('shutdown');
    await expect(result).rejects.toBe('shutdown');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects things that are not policies', () => {
    expect(() => wrapPolicies(new TimeoutPolicy(1), undefined as never)).toThrow(InvalidConfigError);
    expect(() => wrapPolicies({} as never)).toThrow(/policies\[0\]/);
  });

  it('wrap(fn) on a chain decorates a function', async () => {
    const get = wrapPolicies(new TimeoutPolicy(100)).wrap(async (key: string) => `value of ${key}`);
    await expect(get('k')).resolves.toBe('value of k');
  });
});
