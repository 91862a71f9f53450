import { CacheTimeoutError, InvalidConfigError } from '@forno/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deferred } from '../test/test-helpers.js';
import { TimeoutPolicy } from './timeout-policy.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('TimeoutPolicy', () => {
  it('rejects with CacheTimeoutError at the deadline and aborts the signal passed to fn', async () => {
    const timeout = new TimeoutPolicy('250ms');
    let seen: AbortSignal | undefined;
    const never = deferred<string>();
    const result = timeout.execute(({ signal }) => {
      seen = signal;
      return never.promise;
    });
    const settled = expect(result).rejects.toBeInstanceOf(CacheTimeoutError);
    await vi.advanceTimersByTimeAsync(249);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await settled;
    await expect(result).rejects.toThrow('Operation timed out after 250ms');
    expect(seen?.aborted).toBe(true);
    expect(CacheTimeoutError.is(seen?.reason)).toBe(true);
    // A late rejection from fn is absorbed, not left unhandled.
    never.reject(new Error('late'));
  });

  it('passes results and errors through and clears its timer on settle', async () => {
    const timeout = new TimeoutPolicy(1_000);
    await expect(timeout.execute(async () => 'fast')).resolves.toBe('fast');
    expect(vi.getTimerCount()).toBe(0);
    const error = new Error('boom');
    await expect(
      timeout.execute(async () => {
        throw error;
      }),
    ).rejects.toBe(error);
    await expect(
      timeout.execute(() => {
        throw error;
      }),
    ).rejects.toBe(error);
    await expect(timeout.execute(() => 7)).resolves.toBe(7);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once with the caller reason when the caller aborts, aborting fn too', async () => {
    const timeout = new TimeoutPolicy('10s');
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const result = timeout.execute(({ signal }) => {
      seen = signal;
      return new Promise<never>(() => {});
    }, controller.signal);
    controller.abort('client went away');
    await expect(result).rejects.toBe('client went away');
    expect(seen?.reason).toBe('client went away');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not call fn when the signal is already aborted', async () => {
    const fn = vi.fn(async () => 'x');
    await expect(new TimeoutPolicy(100).execute(fn, AbortSignal.abort('stop'))).rejects.toBe('stop');
    expect(fn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('wrap(fn) times out each call', async () => {
    const slowGet = new TimeoutPolicy(50).wrap((key: string) => new Promise<string>(() => void key));
    const result = slowGet('menu:1');
    const settled = expect(result).rejects.toBeInstanceOf(CacheTimeoutError);
    await vi.advanceTimersByTimeAsync(50);
    await settled;
  });

  it.each([0, -1, Number.NaN, '1 minute', Number.POSITIVE_INFINITY])('rejects timeout %s', (value) => {
    let error: unknown;
    try {
      new TimeoutPolicy(value as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).argument).toBe('timeout');
  });

  it('rejects unknown options', () => {
    expect(() => new TimeoutPolicy(10, { clock: {} } as never)).toThrow(InvalidConfigError);
  });
});
