import { type CacheEvent, CacheEventEmitter, CacheUnavailableError } from '@forno/core';
import { InMemoryCacheRepository } from '@forno/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resilientFixture } from '../test/resilient-fixture.js';
import { CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import { COMMAND_NAMES, COMMANDS, type CommandName, policyOf } from './command-table.js';
import { ResilientCacheRepository } from './resilient-cache-repository.js';
import { RetryPolicy } from './retry-policy.js';

afterEach(() => {
  vi.useRealTimers();
});

const retry = () => new RetryPolicy({ retries: 3, retryDelay: '1ms', jitter: 'none' });
type Repo = ResilientCacheRepository;

// The colleague's list from phase 1, plus the commands that are not idempotent in general.
const UNSAFE: ReadonlyArray<readonly [string, (r: Repo) => Promise<unknown>]> = [
  ['incrby', (r) => r.incrby('n', 1)],
  ['hincrby', (r) => r.hincrby('h', 'n', 1)],
  ['zincrby', (r) => r.zincrby('z', 1, 'm')],
  ['lpush', (r) => r.lpush('l', 'a')],
  ['rpush', (r) => r.rpush('l', 'a')],
  ['lpop', (r) => r.lpop('l')],
  ['rpop', (r) => r.rpop('l')],
  ['ltrim', (r) => r.ltrim('l', 1, -1)],
  ['zpopmin', (r) => r.zpopmin('z')],
  ['zpopmax', (r) => r.zpopmax('z')],
  ['zremrangebyrank', (r) => r.zremrangebyrank('z', 0, 0)],
  ['set', (r) => r.set('k', 1, { nx: true })],
  ['setIfAbsent', (r) => r.setIfAbsent('lock', 't', '1s')],
  ['compareAndExpire', (r) => r.compareAndExpire('lock', 't', '1s')],
  ['acquireSemaphore', (r) => r.acquireSemaphore('sem', 't', 2, '1s')],
  ['extendSemaphore', (r) => r.extendSemaphore('sem', 't', '1s')],
  ['publish', (r) => r.publish('ch', 'm')],
];
const IDEMPOTENT: ReadonlyArray<readonly [string, (r: Repo) => Promise<unknown>]> = [
  ['get', (r) => r.get('k')],
  ['hgetall', (r) => r.hgetall('h')],
  ['set', (r) => r.set('k', 1)],
  ['mset', (r) => r.mset({ a: 1 })],
  ['delete', (r) => r.delete('k')],
  ['expire', (r) => r.expire('k', '1s')],
  ['hset', (r) => r.hset('h', 'f', 1)],
  ['sadd', (r) => r.sadd('s', 'm')],
  ['zadd', (r) => r.zadd('z', { member: 'm', score: 1 })],
  ['compareAndDelete', (r) => r.compareAndDelete('lock', 't')],
];

describe('ResilientCacheRepository: retries only what is safe to repeat', () => {
  it.each(UNSAFE)('%s is sent once, never retried', async (name, call) => {
    const { repo, chaos } = resilientFixture({ retry: retry() }, { failureRate: 1, operations: [name] });
    await expect(call(repo)).rejects.toThrow();
    expect(chaos.calls(name)).toBe(1);
  });

  it.each(IDEMPOTENT)('%s is retried', async (name, call) => {
    const { repo, chaos } = resilientFixture({ retry: retry() }, { failureRate: 1, operations: [name] });
    await expect(call(repo)).rejects.toThrow();
    expect(chaos.calls(name)).toBe(4);
  });

  it('an incrby that failed after being applied is applied exactly once', async () => {
    const { repo, backend } = resilientFixture({ retry: retry() }, { failureRate: 1, appliedRate: 1 });
    await expect(repo.incrby('orders', 5)).rejects.toThrow();
    expect(await backend.get('orders')).toBe(5);
  });

  it('classifies commands that exist, and exactly the unsafe ones as unsafe', () => {
    // Completeness against the CacheRepository interface is checked at compile time (`satisfies`).
    const repository = new InMemoryCacheRepository() as unknown as Record<string, unknown>;
    for (const name of COMMAND_NAMES) expect(typeof repository[name], name).toBe('function');
    const unsafe = COMMAND_NAMES.filter((name) => policyOf(COMMANDS[name], []) === 'unsafe');
    expect(unsafe.sort()).toEqual(
      UNSAFE.map(([name]) => name as CommandName)
        .filter((name) => name !== 'set')
        .sort(),
    );
  });
});

describe('ResilientCacheRepository: circuit breaker', () => {
  it('opens after the threshold, serves reads from the fallback while open, rejects writes, recovers', async () => {
    vi.useFakeTimers();
    const breaker = new CircuitBreakerPolicy({
      failureThreshold: 5,
      recoveryTimeout: '1s',
      successThreshold: 3,
    });
    const { repo, chaos, events } = resilientFixture({ breaker });
    await repo.set('menu', 'margherita');

    chaos.failureRate = 1;
    for (let i = 0; i < 5; i++) expect(await repo.get('menu')).toBe('margherita');
    expect(breaker.state).toBe('open');
    const callsWhenOpened = chaos.calls();
    expect(await repo.getWithSource('menu')).toEqual({ value: 'margherita', source: 'fallback' });
    await expect(repo.set('menu', 'diavola')).rejects.toMatchObject({ code: 'E_CIRCUIT_OPEN' });
    await expect(repo.incrby('n')).rejects.toMatchObject({ code: 'E_CIRCUIT_OPEN' });
    expect(chaos.calls()).toBe(callsWhenOpened); // the backend is left alone while open

    chaos.failureRate = 0;
    vi.advanceTimersByTime(1_000);
    for (let i = 0; i < 3; i++) expect(await repo.getWithSource('menu')).toMatchObject({ source: 'redis' });
    expect(breaker.state).toBe('closed');
    expect(events.filter((e) => e.type === 'circuit').map((e) => e.type === 'circuit' && e.state)).toEqual([
      'open',
      'half-open',
      'closed',
    ]);
  });

  it('stops retrying as soon as the breaker opens', async () => {
    const breaker = new CircuitBreakerPolicy({ failureThreshold: 2 });
    const { repo, chaos } = resilientFixture({ breaker, retry: retry() }, { failureRate: 1 });
    await expect(repo.get('k')).rejects.toMatchObject({ code: 'E_CIRCUIT_OPEN' });
    expect(chaos.calls()).toBe(2);
  });
});

describe('ResilientCacheRepository: events', () => {
  it('re-emits breaker, retry, fallback and inner events through one listener, and unsubscribes from all', async () => {
    const innerEvents = new CacheEventEmitter();
    const inner = Object.assign(new InMemoryCacheRepository(), {
      onEvent: (listener: (event: CacheEvent) => void) => innerEvents.onEvent(listener),
    });
    vi.spyOn(inner, 'get').mockRejectedValue(new CacheUnavailableError('down'));
    const breaker = new CircuitBreakerPolicy({ failureThreshold: 2 });
    const repo = new ResilientCacheRepository(inner, { breaker, retry: retry() });
    const seen: string[] = [];
    const unsubscribe = repo.onEvent((event) => seen.push(event.type));
    innerEvents.emit({ type: 'connection', status: 'reconnecting', connections: 1 });
    await expect(repo.get('k')).rejects.toThrow();
    // Attempt 1 fails, retry; attempt 2 fails and opens the circuit, retry; attempt 3 is refused.
    expect(seen).toEqual(['connection', 'retry', 'circuit', 'retry', 'fallback']);

    unsubscribe();
    innerEvents.emit({ type: 'connection', status: 'ready', connections: 1 });
    breaker.reset();
    await expect(repo.get('k')).rejects.toThrow();
    expect(seen).toHaveLength(5);
  });
});
