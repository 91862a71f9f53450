import {
  type CacheEvent,
  CacheTimeoutError,
  CacheUnavailableError,
  InvalidArgumentError,
  InvalidConfigError,
  SerializationError,
  systemClock,
  WrongTypeError,
} from '@forno/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushMicrotasks, sequenceRandom } from '../test/test-helpers.js';
import { isBackendFailure } from './backend-failure.js';
import { BrokenCircuitError } from './broken-circuit-error.js';
import type { GiveUpEvent } from './retry-policy.js';
import { RetryPolicy } from './retry-policy.js';

const down = () => new CacheUnavailableError('connection refused');

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Records the fake time at which each attempt starts. */
function failingTimes(failures: number, error: () => unknown = down) {
  const times: number[] = [];
  const fn = vi.fn(async ({ attempt }: { attempt: number }) => {
    times.push(Date.now() - start);
    if (attempt <= failures) throw error();
    return `ok after ${attempt}`;
  });
  const start = Date.now();
  return { fn, times };
}

describe('RetryPolicy', () => {
  it('retries transient errors on the backoff schedule and returns the first success', async () => {
    const retry = new RetryPolicy({ retries: 3, jitter: 'none' });
    const { fn, times } = failingTimes(3);
    const result = retry.execute(fn);
    await vi.advanceTimersByTimeAsync(99);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fn).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(600);
    await expect(result).resolves.toBe('ok after 4');
    expect(times).toEqual([0, 100, 300, 700]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits the seeded jittered schedule exactly', async () => {
    const retry = new RetryPolicy({ retries: 3, jitter: 'full', random: sequenceRandom(0.25, 0.5, 0.75) });
    const { fn, times } = failingTimes(3);
    const result = retry.execute(fn);
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('ok after 4');
    // delays 75, 100, 100
    expect(times).toEqual([0, 75, 175, 275]);
  });

  it('caps the delays at maxRetryDelay', async () => {
    const retry = new RetryPolicy({
      retries: 5,
      retryDelay: '200ms',
      maxRetryDelay: '500ms',
      jitter: 'none',
    });
    const { fn, times } = failingTimes(5);
    const result = retry.execute(fn);
    await vi.runAllTimersAsync();
    await result;
    // delays 200, 400, 500, 500, 500
    expect(times).toEqual([0, 200, 600, 1100, 1600, 2100]);
    expect([1, 2, 3, 4, 5].map((n) => retry.delayFor(n))).toEqual([200, 400, 500, 500, 500]);
  });

  it('gives up after `retries` retries with the last error and a give-up event', async () => {
    const retry = new RetryPolicy({ retries: 2, jitter: 'none' });
    const giveUps: GiveUpEvent[] = [];
    retry.onGiveUp((event) => giveUps.push(event));
    const errors = [down(), new CacheTimeoutError('slow'), down()];
    const fn = vi.fn(async ({ attempt }: { attempt: number }) => {
      throw errors[attempt - 1];
    });
    const result = retry.execute(fn);
    const settled = expect(result).rejects.toBe(errors[2]);
    await vi.runAllTimersAsync();
    await settled;
    expect(fn).toHaveBeenCalledTimes(3);
    expect(giveUps).toEqual([{ reason: 'exhausted', attempts: 3, error: errors[2] }]);
  });

  it('emits core retry events in order, before each delay', async () => {
    const retry = new RetryPolicy({ retries: 3, jitter: 'none' });
    const events: CacheEvent[] = [];
    retry.onEvent((event) => events.push(event));
    const errors = [down(), down()];
    const result = retry.execute(async ({ attempt }) => {
      if (attempt <= 2) throw errors[attempt - 1];
      return 'ok';
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual([{ type: 'retry', attempt: 1, delayMs: 100, error: errors[0] }]);
    await vi.runAllTimersAsync();
    await result;
    expect(events).toEqual([
      { type: 'retry', attempt: 1, delayMs: 100, error: errors[0] },
      { type: 'retry', attempt: 2, delayMs: 200, error: errors[1] },
    ]);
  });

  it.each([
    ['InvalidArgumentError', new InvalidArgumentError('key', 'empty')],
    ['WrongTypeError', new WrongTypeError('WRONGTYPE')],
    ['SerializationError', new SerializationError('bad json')],
    ['BrokenCircuitError', new BrokenCircuitError({ reason: 'open', retryAfterMs: 1000 })],
    ['a user error', new Error('my bug')],
    ['a thrown string', 'oops'],
  ])('does not retry %s and emits no give-up', async (_, error) => {
    const retry = new RetryPolicy();
    const giveUp = vi.fn();
    retry.onGiveUp(giveUp);
    const fn = vi.fn(async () => {
      throw error;
    });
    await expect(retry.execute(fn)).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(giveUp).not.toHaveBeenCalled();
  });

  it("gives up with 'not-retryable' when a retry fails with a non-retryable error", async () => {
    const retry = new RetryPolicy({ retries: 5, jitter: 'none' });
    const giveUps: GiveUpEvent[] = [];
    retry.onGiveUp((event) => giveUps.push(event));
    const open = new BrokenCircuitError({ reason: 'open', retryAfterMs: 60_000 });
    const fn = vi.fn(async ({ attempt }: { attempt: number }) => {
      throw attempt === 1 ? down() : open;
    });
    const result = retry.execute(fn);
    const settled = expect(result).rejects.toBe(open);
    await vi.runAllTimersAsync();
    await settled;
    expect(fn).toHaveBeenCalledTimes(2);
    expect(giveUps).toEqual([{ reason: 'not-retryable', attempts: 2, error: open }]);
  });

  it('retries only cache outages by default: a database error is thrown at once, unless retryOn says otherwise', async () => {
    const refused = () =>
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const conservative = failingTimes(1, refused);
    await expect(new RetryPolicy({ retryDelay: 0 }).execute(conservative.fn)).rejects.toThrow('ECONNREFUSED');
    expect(conservative.fn).toHaveBeenCalledTimes(1);

    const any = failingTimes(1, refused);
    const result = new RetryPolicy({ retryDelay: 0, retryOn: isBackendFailure }).execute(any.fn);
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('ok after 2');
  });

  it('says what it retries, and the one-line way to retry other errors, when retryOn is not a function', () => {
    expect(() => new RetryPolicy({ retryOn: 'all' as never })).toThrow(
      /only CacheUnavailableError and CacheTimeoutError.*retryOn: isBackendFailure/,
    );
  });

  it('honours a custom retryOn', async () => {
    const retry = new RetryPolicy({ retries: 1, retryDelay: 0, retryOn: (e) => e === 'again' });
    const fn = vi.fn(async ({ attempt }: { attempt: number }) => {
      if (attempt === 1) throw 'again';
      throw down();
    });
    const result = retry.execute(fn);
    const settled = expect(result).rejects.toBeInstanceOf(CacheUnavailableError);
    await vi.runAllTimersAsync();
    await settled;
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('stops a pending delay when the signal aborts, leaving no timer behind', async () => {
    const retry = new RetryPolicy({ retries: 3, retryDelay: '1s', maxRetryDelay: '5s' });
    const controller = new AbortController();
    const fn = vi.fn(async () => {
      throw down();
    });
    const result = retry.execute(fn, controller.signal);
    const settled = expect(result).rejects.toBe('shutting down');
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort('shutting down');
    await settled;
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('does not call fn when the signal is already aborted', async () => {
    const fn = vi.fn(async () => 'never');
    const reason = new Error('cancelled');
    await expect(new RetryPolicy().execute(fn, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
  });

  it('does not retry once the caller aborted during an attempt', async () => {
    const controller = new AbortController();
    const fn = vi.fn(async () => {
      controller.abort();
      throw down();
    });
    await expect(new RetryPolicy().execute(fn, controller.signal)).rejects.toBeInstanceOf(
      CacheUnavailableError,
    );
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('passes the caller signal and a 1-based attempt to fn, and turns sync throws into rejections', async () => {
    const controller = new AbortController();
    const seen: [AbortSignal, number][] = [];
    const result = new RetryPolicy({ retries: 1, retryDelay: 0 }).execute(({ signal, attempt }) => {
      seen.push([signal, attempt]);
      if (attempt === 1) throw down();
      return 42;
    }, controller.signal);
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe(42);
    expect(seen).toEqual([
      [controller.signal, 1],
      [controller.signal, 2],
    ]);
  });

  it('wrap(fn) keeps arguments and this', async () => {
    const retry = new RetryPolicy({ retries: 1, retryDelay: 0 });
    const service = {
      calls: 0,
      prefix: 'menu:',
      load: retry.wrap(async function (this: { calls: number; prefix: string }, id: string) {
        this.calls += 1;
        if (this.calls === 1) throw down();
        return `${this.prefix}${id}`;
      }),
    };
    const result = service.load('margherita');
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('menu:margherita');
    expect(service.calls).toBe(2);
  });

  it('isolates the call from throwing listeners', async () => {
    const retry = new RetryPolicy({ retries: 1, retryDelay: 0 });
    retry.onEvent(() => {
      throw new Error('broken metrics');
    });
    retry.onGiveUp(() => {
      throw new Error('broken metrics');
    });
    const fn = vi.fn(async () => {
      throw down();
    });
    const result = retry.execute(fn);
    const settled = expect(result).rejects.toBeInstanceOf(CacheUnavailableError);
    await vi.runAllTimersAsync();
    await settled;
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('removes listeners with the returned function', async () => {
    const retry = new RetryPolicy({ retries: 1, retryDelay: 0 });
    const listener = vi.fn();
    const giveUp = vi.fn();
    retry.onEvent(listener)();
    retry.onGiveUp(giveUp)();
    const result = retry.execute(async () => {
      throw down();
    });
    const settled = expect(result).rejects.toThrow();
    await vi.runAllTimersAsync();
    await settled;
    expect(listener).not.toHaveBeenCalled();
    expect(giveUp).not.toHaveBeenCalled();
  });

  it.each([
    [{ retries: -1 }, 'options.retries'],
    [{ retryOn: true }, 'options.retryOn'],
    [{ random: 0.5 }, 'options.random'],
    [{ clock: {} }, 'options.clock'],
    [{ retryDelay: '-1s' }, 'options.retryDelay'],
    [{ retry: 3 }, 'options.retry'],
  ])('rejects bad options %o naming %s', (options, argument) => {
    expect(() => new RetryPolicy(options as never)).toThrow(InvalidConfigError);
    try {
      new RetryPolicy(options as never);
    } catch (error) {
      expect((error as InvalidConfigError).argument).toBe(argument);
    }
  });

  it('waits on the injected clock', async () => {
    vi.useRealTimers();
    const pending: (() => void)[] = [];
    const clock = {
      ...systemClock,
      setTimeout: (callback: () => void) => pending.push(callback),
      clearTimeout: () => {},
    };
    const retry = new RetryPolicy({ retries: 1, clock });
    const fn = vi.fn(async ({ attempt }: { attempt: number }) => {
      if (attempt === 1) throw down();
      return 'ok';
    });
    const result = retry.execute(fn);
    await flushMicrotasks();
    expect(pending).toHaveLength(1);
    expect(fn).toHaveBeenCalledTimes(1);
    pending[0]!();
    await expect(result).resolves.toBe('ok');
  });
});

describe('RetryPolicy listeners', () => {
  it('treats each onGiveUp subscription separately and rejects non-functions', async () => {
    vi.useRealTimers();
    const retry = new RetryPolicy({ retries: 0 });
    const listener = vi.fn();
    const stopFirst = retry.onGiveUp(listener);
    retry.onGiveUp(listener);
    stopFirst();
    await expect(
      retry.execute(async () => {
        throw down();
      }),
    ).rejects.toThrow();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(() => retry.onGiveUp('nope' as never)).toThrow(InvalidArgumentError);
  });

  it('absorbs rejections of async listeners', async () => {
    vi.useRealTimers();
    const retry = new RetryPolicy({ retries: 0 });
    retry.onGiveUp(async () => {
      throw new Error('async metrics failure');
    });
    await expect(
      retry.execute(async () => {
        throw down();
      }),
    ).rejects.toBeInstanceOf(CacheUnavailableError);
  });
});
