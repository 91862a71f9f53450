import { createServer } from 'node:net';
import {
  CacheTimeoutError,
  CacheUnavailableError,
  CrossSlotError,
  EntityExistsError,
  EntityNotFoundError,
  ForbiddenOperationError,
  InvalidArgumentError,
  InvalidConfigError,
  PayloadTooLargeError,
  ScriptError,
  SerializationError,
  WrongTypeError,
} from '@forno/core';
import { ManualClock } from '@forno/testing';
import { describe, expect, it } from 'vitest';
import { isBackendFailure, isCacheOutage } from './backend-failure.js';
import { BrokenCircuitError } from './broken-circuit-error.js';
import { CircuitBreakerPolicy, type CircuitBreakerPolicyOptions } from './circuit-breaker-policy.js';

/** A breaker configured as a ported Neuroglia service would: failureThreshold 5, recoveryTimeout 60 s, successThreshold 3, the default `isFailure`. */
function seedBreaker(options: CircuitBreakerPolicyOptions = {}): CircuitBreakerPolicy {
  return new CircuitBreakerPolicy({
    failureThreshold: 5,
    recoveryTimeout: '30s',
    successThreshold: 3,
    clock: new ManualClock(),
    ...options,
  });
}

/** The error a Node database driver (pg, mysql2) rejects with when the server is not there. */
function connectionRefused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
    address: '127.0.0.1',
    port: 5432,
  });
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Calls `fn` through `breaker` `times` times; returns how many calls reached `fn` and the errors seen. */
async function hammer(
  breaker: CircuitBreakerPolicy,
  times: number,
  fn: () => Promise<unknown>,
): Promise<{ reached: number; errors: unknown[] }> {
  let reached = 0;
  const errors: unknown[] = [];
  for (let i = 0; i < times; i++) {
    try {
      await breaker.execute(() => {
        reached += 1;
        return fn();
      });
    } catch (error) {
      errors.push(error);
    }
  }
  return { reached, errors };
}

describe('CircuitBreakerPolicy around any backend (issue #26)', () => {
  it('opens after 5 failures of a database call that fails with ECONNREFUSED', async () => {
    const breaker = seedBreaker();
    const { reached, errors } = await hammer(breaker, 20, async () => {
      throw connectionRefused();
    });
    expect(breaker.state).toBe('open');
    expect(reached).toBe(5);
    expect(errors.slice(0, 5).every((e) => (e as { code?: string }).code === 'ECONNREFUSED')).toBe(true);
    expect(errors.slice(5).every((e) => BrokenCircuitError.is(e))).toBe(true);
    expect((breaker.lastFailure as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('opens after 5 failures of a fetch() that fails with "TypeError: fetch failed"', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/menu`;
    const breaker = seedBreaker();
    const { reached, errors } = await hammer(breaker, 20, () => fetch(url));
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect((errors[0] as Error).message).toBe('fetch failed');
    expect(breaker.state).toBe('open');
    expect(reached).toBe(5);
    expect(errors.slice(5).every((e) => BrokenCircuitError.is(e))).toBe(true);
  });

  it.each<[string, () => unknown]>([
    ['a bad argument', () => new InvalidArgumentError('key', 'must not be empty')],
    ['a bad config', () => new InvalidConfigError('options.ttl', 'must be positive')],
    [
      'a WrongTypeError',
      () => new WrongTypeError('WRONGTYPE Operation against a key holding the wrong kind'),
    ],
    ['a serialization error', () => new SerializationError('not serializable')],
    ['a payload over the limit', () => new PayloadTooLargeError('too large')],
    ['a cross-slot call', () => new CrossSlotError('CROSSSLOT')],
    ['an entity that exists', () => new EntityExistsError('order "1" exists')],
    ['an entity not found', () => new EntityNotFoundError('order "1" not found')],
    ['a forbidden operation', () => new ForbiddenOperationError('flushdb is not allowed')],
    ['a failing script', () => new ScriptError('script:1a2b3c4d failed: MY_ERR the oven is cold')],
    ['an AbortError', () => new DOMException('This operation was aborted', 'AbortError')],
    ['a BrokenCircuitError of another breaker', () => new BrokenCircuitError({ reason: 'open' })],
  ])('never counts %s', async (_name, make) => {
    const breaker = seedBreaker({ failureThreshold: 1 });
    const { reached } = await hammer(breaker, 3, async () => {
      throw make();
    });
    expect(reached).toBe(3);
    expect(breaker.state).toBe('closed');
  });

  it('never counts a call the caller aborted, whatever it rejects with', async () => {
    const breaker = seedBreaker({ failureThreshold: 1 });
    const url = `http://127.0.0.1:${await closedPort()}/menu`;
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const call = breaker.execute(async ({ signal }) => {
        controller.abort(new Error('client went away'));
        // fetch rejects with the signal's reason; a driver might reject with anything.
        return fetch(url, { signal });
      }, controller.signal);
      await expect(call).rejects.toThrow('client went away');
    }
    expect(breaker.state).toBe('closed');
  });

  it('counts a call whose signal ran out of time (AbortSignal.timeout): the backend was too slow', async () => {
    const breaker = seedBreaker({ failureThreshold: 1 });
    const controller = new AbortController();
    const call = breaker.execute(async () => {
      controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      throw controller.signal.reason;
    }, controller.signal);
    await expect(call).rejects.toThrow('timeout');
    expect(breaker.state).toBe('open');
  });

  it('still counts cache outages and plain errors by default', async () => {
    for (const make of [
      () => new CacheUnavailableError('connection refused'),
      () => new CacheTimeoutError('timed out'),
      () => new Error('ETIMEDOUT'),
      () => 'a thrown string',
    ]) {
      const breaker = seedBreaker({ failureThreshold: 1 });
      await hammer(breaker, 1, async () => {
        throw make();
      });
      expect(breaker.state).toBe('open');
    }
  });

  it('isCacheOutage keeps the previous default: only cache outages count', async () => {
    const breaker = seedBreaker({ isFailure: isCacheOutage });
    const db = await hammer(breaker, 20, async () => {
      throw connectionRefused();
    });
    expect(db.reached).toBe(20);
    expect(breaker.state).toBe('closed');
    const cache = await hammer(breaker, 20, async () => {
      throw new CacheUnavailableError('connection refused');
    });
    expect(cache.reached).toBe(5);
    expect(breaker.state).toBe('open');
  });

  it('isBackendFailure and isCacheOutage classify errors as documented', () => {
    const cases: [unknown, boolean, boolean][] = [
      [connectionRefused(), true, false],
      [new TypeError('fetch failed'), true, false],
      [new CacheUnavailableError('down'), true, true],
      [new CacheTimeoutError('slow'), true, true],
      [new BrokenCircuitError({ reason: 'open' }), false, false],
      [new WrongTypeError('WRONGTYPE'), false, false],
      [new InvalidArgumentError('key', 'bad'), false, false],
      [new DOMException('aborted', 'AbortError'), false, false],
      [undefined, true, false],
    ];
    for (const [error, backend, cache] of cases) {
      expect([isBackendFailure(error), isCacheOutage(error)]).toEqual([backend, cache]);
    }
  });
});
