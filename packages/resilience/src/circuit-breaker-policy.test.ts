import {
  CacheError,
  type CacheEvent,
  CacheTimeoutError,
  CacheUnavailableError,
  type CircuitState,
  InvalidArgumentError,
  InvalidConfigError,
  SerializationError,
  WrongTypeError,
} from '@forno/core';
import { ManualClock } from '@forno/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deferred } from '../test/test-helpers.js';
import type { Breaker } from './breaker.js';
import { BrokenCircuitError } from './broken-circuit-error.js';
import { CircuitBreakerPolicy, type CircuitBreakerPolicyOptions } from './circuit-breaker-policy.js';
import { SamplingBreaker } from './sampling-breaker.js';

const down = () => new CacheUnavailableError('connection refused');
const fail = async () => {
  throw down();
};
const ok = async () => 'ok';

function setup(options: CircuitBreakerPolicyOptions = {}) {
  const clock = new ManualClock();
  const breaker = new CircuitBreakerPolicy({
    failureThreshold: 3,
    recoveryTimeout: '10s',
    successThreshold: 2,
    clock,
    ...options,
  });
  const transitions: string[] = [];
  breaker.onStateChange((state, previous) => transitions.push(`${previous}->${state}`));
  return { clock, breaker, transitions };
}

async function failTimes(breaker: CircuitBreakerPolicy, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await expect(breaker.execute(fail)).rejects.toBeInstanceOf(CacheUnavailableError);
}

async function openCircuit(breaker: CircuitBreakerPolicy): Promise<void> {
  await failTimes(breaker, 3);
  expect(breaker.state).toBe('open');
}

describe('CircuitBreakerPolicy', () => {
  it('starts closed and passes results and errors through unchanged', async () => {
    const { breaker } = setup();
    expect(breaker.state).toBe('closed');
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    const error = down();
    await expect(
      breaker.execute(() => {
        throw error;
      }),
    ).rejects.toBe(error);
  });

  it('closed -> open after failureThreshold consecutive failures', async () => {
    const { breaker, transitions } = setup();
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['closed->open']);
  });

  it('a success resets the consecutive failure count', async () => {
    const { breaker } = setup();
    await failTimes(breaker, 2);
    await breaker.execute(ok);
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
  });

  it('counts timeouts as failures', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    await expect(
      breaker.execute(async () => {
        throw new CacheTimeoutError('slow');
      }),
    ).rejects.toBeInstanceOf(CacheTimeoutError);
    expect(breaker.state).toBe('open');
  });

  it.each([
    ['InvalidArgumentError', () => new InvalidArgumentError('key', 'empty')],
    ['WrongTypeError', () => new WrongTypeError('WRONGTYPE')],
    ['SerializationError', () => new SerializationError('bad json')],
    ['an abort', () => new DOMException('aborted', 'AbortError')],
    ['a BrokenCircuitError', () => new BrokenCircuitError({ reason: 'open' })],
  ])('%s does not trip the breaker nor reset its count', async (_, make) => {
    const { breaker } = setup();
    await failTimes(breaker, 2);
    for (let i = 0; i < 5; i++) {
      await expect(
        breaker.execute(async () => {
          throw make();
        }),
      ).rejects.toThrow();
    }
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
  });

  it('open rejects fast with BrokenCircuitError without calling fn', async () => {
    const { breaker, clock } = setup();
    await openCircuit(breaker);
    clock.advance(4_000);
    const fn = vi.fn(ok);
    const error = await breaker.execute(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(BrokenCircuitError);
    expect(error).toBeInstanceOf(CacheUnavailableError);
    expect(error).toBeInstanceOf(CacheError);
    expect(error).toMatchObject({ code: 'E_CIRCUIT_OPEN', reason: 'open', retryAfterMs: 6_000 });
    expect((error as BrokenCircuitError).cause).toBeInstanceOf(CacheUnavailableError);
    expect((error as BrokenCircuitError).cause).toBe(breaker.lastFailure);
  });

  it('open -> half-open after recoveryTimeout, measured on the monotonic clock, with no timer', async () => {
    vi.useFakeTimers();
    try {
      const { breaker, clock, transitions } = setup();
      await openCircuit(breaker);
      expect(vi.getTimerCount()).toBe(0);
      clock.advance(9_999);
      expect(breaker.state).toBe('open');
      clock.advance(1);
      expect(breaker.state).toBe('half-open');
      expect(transitions).toEqual(['closed->open', 'open->half-open']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('follows vitest fake timers with the default system clock', async () => {
    vi.useFakeTimers();
    try {
      const breaker = new CircuitBreakerPolicy({
        failureThreshold: 1,
        recoveryTimeout: '1m',
        successThreshold: 1,
      });
      await failTimes(breaker, 1);
      expect(breaker.state).toBe('open');
      vi.advanceTimersByTime(59_999);
      expect(breaker.state).toBe('open');
      vi.advanceTimersByTime(1);
      expect(breaker.state).toBe('half-open');
      await breaker.execute(ok);
      expect(breaker.state).toBe('closed');
    } finally {
      vi.useRealTimers();
    }
  });

  it('half-open admits only halfOpenMaxConcurrent probes and rejects the rest fast, unqueued', async () => {
    const { breaker, clock } = setup({ halfOpenMaxConcurrent: 2, successThreshold: 5 });
    await openCircuit(breaker);
    clock.advance(10_000);
    const probes = [deferred<string>(), deferred<string>()];
    const first = breaker.execute(() => probes[0]!.promise);
    const second = breaker.execute(() => probes[1]!.promise);
    const extra = vi.fn(ok);
    const rejected = await breaker.execute(extra).catch((e: unknown) => e);
    expect(extra).not.toHaveBeenCalled();
    expect(rejected).toBeInstanceOf(BrokenCircuitError);
    expect(rejected).toMatchObject({ reason: 'half-open', retryAfterMs: undefined });
    // A finished probe frees its slot.
    probes[0]!.resolve('a');
    await expect(first).resolves.toBe('a');
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    probes[1]!.resolve('b');
    await expect(second).resolves.toBe('b');
    expect(breaker.state).toBe('half-open');
  });

  it('half-open -> closed after successThreshold consecutive successful probes', async () => {
    const { breaker, clock, transitions } = setup({ successThreshold: 3 });
    await openCircuit(breaker);
    clock.advance(10_000);
    await breaker.execute(ok);
    await breaker.execute(ok);
    expect(breaker.state).toBe('half-open');
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
    // The failure count starts from zero again.
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
  });

  it('half-open -> open on a failed probe, restarting the recovery timeout', async () => {
    const { breaker, clock, transitions } = setup();
    await openCircuit(breaker);
    clock.advance(10_000);
    await breaker.execute(ok);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    const error = await breaker.execute(ok).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'open', retryAfterMs: 10_000 });
    clock.advance(9_999);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
    // The earlier successful probe does not count towards closing.
    await breaker.execute(ok);
    expect(breaker.state).toBe('half-open');
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual([
      'closed->open',
      'open->half-open',
      'half-open->open',
      'open->half-open',
      'half-open->closed',
    ]);
  });

  it('a probe ending in a user error frees its slot without deciding anything', async () => {
    const { breaker, clock } = setup({ successThreshold: 1 });
    await openCircuit(breaker);
    clock.advance(10_000);
    await expect(
      breaker.execute(async () => {
        throw new WrongTypeError('WRONGTYPE');
      }),
    ).rejects.toBeInstanceOf(WrongTypeError);
    expect(breaker.state).toBe('half-open');
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
  });

  it('ignores calls that settle after the state they started in has changed', async () => {
    const { breaker, clock } = setup({ successThreshold: 1 });
    const slow = deferred<string>();
    const slowCall = breaker.execute(() => slow.promise);
    await openCircuit(breaker);
    clock.advance(10_000);
    expect(breaker.state).toBe('half-open');
    // The slow call was admitted while closed: its success is not a probe and does not close.
    slow.resolve('late');
    await expect(slowCall).resolves.toBe('late');
    expect(breaker.state).toBe('half-open');
    // Nor do late failures extend an open circuit.
    const late = deferred<string>();
    const { breaker: other, clock: otherClock } = setup();
    const lateCall = other.execute(() => late.promise);
    await openCircuit(other);
    otherClock.advance(9_000);
    late.reject(down());
    await expect(lateCall).rejects.toBeInstanceOf(CacheUnavailableError);
    otherClock.advance(1_000);
    expect(other.state).toBe('half-open');
  });

  it('emits core circuit events in order for the metrics package', async () => {
    const { breaker, clock } = setup({ successThreshold: 1 });
    const events: CacheEvent[] = [];
    const stop = breaker.onEvent((event) => events.push(event));
    await openCircuit(breaker);
    clock.advance(10_000);
    await breaker.execute(ok);
    expect(events).toEqual([
      { type: 'circuit', state: 'open', previous: 'closed' },
      { type: 'circuit', state: 'half-open', previous: 'open' },
      { type: 'circuit', state: 'closed', previous: 'half-open' },
    ]);
    stop();
    await openCircuit(breaker);
    expect(events).toHaveLength(3);
  });

  it('isolate() holds the circuit open until every isolation is released', async () => {
    const { breaker, clock, transitions } = setup();
    const first = breaker.isolate();
    const second = breaker.isolate();
    expect(breaker.state).toBe('open');
    expect(breaker.isolated).toBe(true);
    clock.advance(3_600_000);
    const fn = vi.fn(ok);
    await expect(breaker.execute(fn)).rejects.toMatchObject({ reason: 'isolated', retryAfterMs: undefined });
    expect(fn).not.toHaveBeenCalled();
    first.dispose();
    first.dispose();
    expect(breaker.state).toBe('open');
    second[Symbol.dispose]();
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual(['closed->open', 'open->closed']);
  });

  it('reset() closes the circuit, forgets failures and voids isolations', async () => {
    const { breaker, transitions } = setup();
    await openCircuit(breaker);
    breaker.reset();
    expect(breaker.state).toBe('closed');
    expect(breaker.lastFailure).toBeUndefined();
    await failTimes(breaker, 2);
    breaker.reset();
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
    const isolation = breaker.isolate();
    breaker.reset();
    breaker.isolate().dispose();
    isolation.dispose(); // stale handle: no effect
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual([
      'closed->open',
      'open->closed',
      'closed->open',
      'open->closed',
      'closed->open',
      'open->closed',
    ]);
  });

  it('wrap(fn) decorates a function: same arguments, same this, BrokenCircuitError while open', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    class MenuService {
      calls = 0;
      getMenu = breaker.wrap(async function (this: MenuService, id: string, healthy: boolean) {
        this.calls += 1;
        if (!healthy) throw down();
        return { id };
      });
    }
    const service = new MenuService();
    await expect(service.getMenu('margherita', true)).resolves.toEqual({ id: 'margherita' });
    await expect(service.getMenu('margherita', false)).rejects.toBeInstanceOf(CacheUnavailableError);
    await expect(service.getMenu('margherita', true)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(service.calls).toBe(2);
  });

  it('uses a custom isFailure', async () => {
    const { breaker } = setup({ failureThreshold: 1, isFailure: (e) => e instanceof RangeError });
    await expect(breaker.execute(fail)).rejects.toThrow();
    expect(breaker.state).toBe('closed');
    await expect(
      breaker.execute(async () => {
        throw new RangeError('x');
      }),
    ).rejects.toThrow();
    expect(breaker.state).toBe('open');
  });

  it('plugs in any Breaker strategy and passes it monotonic time', async () => {
    const calls: string[] = [];
    const custom: Breaker = {
      success: (now) => calls.push(`success@${now}`),
      failure: (now) => {
        calls.push(`failure@${now}`);
        return now >= 2_000;
      },
      reset: () => calls.push('reset'),
    };
    const { breaker, clock } = setup({ failureThreshold: undefined, breaker: custom, successThreshold: 1 });
    await breaker.execute(ok);
    clock.advance(1_000);
    await failTimes(breaker, 1);
    clock.advance(1_000);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    clock.advance(10_000);
    await breaker.execute(ok);
    expect(calls).toEqual(['success@0', 'failure@1000', 'failure@2000', 'reset']);
  });

  it('opens on failure rate with a SamplingBreaker', async () => {
    const { breaker, clock } = setup({
      failureThreshold: undefined,
      breaker: new SamplingBreaker({ threshold: 0.5, duration: '10s', minimumCalls: 4 }),
    });
    // Interleaved failures never make 3 consecutive ones, but they are half of the calls.
    await breaker.execute(ok);
    clock.advance(100);
    await failTimes(breaker, 1);
    clock.advance(100);
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
  });

  it('does not call fn when the signal is already aborted, and does not count it', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    const fn = vi.fn(ok);
    await expect(breaker.execute(fn, AbortSignal.abort('stop'))).rejects.toBe('stop');
    expect(fn).not.toHaveBeenCalled();
    expect(breaker.state).toBe('closed');
  });

  it('isolates transitions from throwing listeners', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    breaker.onEvent(() => {
      throw new Error('broken metrics');
    });
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
  });

  it.each<[object, string]>([
    [{ failureThreshold: 0 }, 'options.failureThreshold'],
    [{ failureThreshold: -1 }, 'options.failureThreshold'],
    [{ successThreshold: 0 }, 'options.successThreshold'],
    [{ halfOpenMaxConcurrent: 0 }, 'options.halfOpenMaxConcurrent'],
    [{ halfOpenMaxConcurrent: 1.5 }, 'options.halfOpenMaxConcurrent'],
    [{ recoveryTimeout: Number.NaN }, 'options.recoveryTimeout'],
    [{ recoveryTimeout: '60 seconds' }, 'options.recoveryTimeout'],
    [{ isFailure: 'yes' }, 'options.isFailure'],
    [{ clock: { now: () => 0 } }, 'options.clock'],
    [{ breaker: { failure: () => true } }, 'options.breaker'],
    [
      { failureThreshold: 2, breaker: { success() {}, failure: () => true, reset() {} } },
      'options.failureThreshold',
    ],
    [{ failure_threshold: 5 }, 'options.failure_threshold'],
  ])('rejects bad options %o naming %s', (options, argument) => {
    let error: unknown;
    try {
      new CircuitBreakerPolicy(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).argument).toBe(argument);
  });

  it('applies the documented defaults', () => {
    const breaker = new CircuitBreakerPolicy();
    expect(breaker).toMatchObject({
      recoveryTimeoutMs: 60_000,
      successThreshold: 3,
      halfOpenMaxConcurrent: 1,
    });
    expect(breaker.breaker).toMatchObject({ threshold: 5 });
    const state: CircuitState = breaker.state;
    expect(state).toBe('closed');
  });
});

afterEach(() => {
  vi.useRealTimers();
});
