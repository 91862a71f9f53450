import { type CacheEvent, CacheEventEmitter, CacheUnavailableError } from '@forno/core';
import { commandRow, REPOSITORY_COMMANDS } from '@forno/core/backend';
import { InMemoryCacheRepository } from '@forno/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resilientFixture } from '../test/resilient-fixture.js';
import { CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import { ResilientCacheRepository } from './resilient-cache-repository.js';
import { policyOf } from './resilient-command-runner.js';

afterEach(() => {
  vi.useRealTimers();
});

type Repo = ResilientCacheRepository;

const CALLS: ReadonlyArray<readonly [string, (r: Repo) => Promise<unknown>]> = [
  ['get', (r) => r.get('k')],
  ['set', (r) => r.set('k', 1)],
  ['incrby', (r) => r.incrby('n', 1)],
  ['lpush', (r) => r.lpush('l', 'a')],
  ['hgetall', (r) => r.hgetall('h')],
  ['setIfAbsent', (r) => r.setIfAbsent('lock', 't', '1s')],
  ['compareAndDelete', (r) => r.compareAndDelete('lock', 't')],
];

describe('ResilientCacheRepository: no retry layer of its own', () => {
  it.each(CALLS)('%s is sent once: retries belong to the backend', async (name, call) => {
    const { repo, chaos } = resilientFixture({}, { failureRate: 1, operations: [name] });
    await expect(call(repo)).rejects.toThrow();
    expect(chaos.calls(name)).toBe(1);
  });

  it('an incrby that failed after being applied is applied exactly once', async () => {
    const { repo, backend } = resilientFixture({}, { failureRate: 1, appliedRate: 1 });
    await expect(repo.incrby('orders', 5)).rejects.toThrow();
    expect(await backend.get('orders')).toBe(5);
  });

  it('rejects a retry option: it is not one of its options', () => {
    const inner = new InMemoryCacheRepository();
    expect(
      () => new ResilientCacheRepository(inner, { retry: {} } as unknown as Record<string, never>),
    ).toThrow(expect.objectContaining({ code: 'E_INVALID_CONFIG' }));
  });

  it("runs every command of core's table that the repository has", () => {
    const repository = new InMemoryCacheRepository() as unknown as Record<string, unknown>;
    for (const name of REPOSITORY_COMMANDS) expect(typeof repository[name], name).toBe('function');
    expect(policyOf(commandRow('get'))).toBe('read');
    expect(policyOf(commandRow('incrby'))).toBe('write');
    expect(policyOf(commandRow('deletePattern'))).toBe('breaker');
    expect(policyOf(commandRow('ping'))).toBe('timeout');
    expect(policyOf(commandRow('subscribe'))).toBe('direct');
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

  it('refuses calls without reaching the backend once the breaker opens', async () => {
    const breaker = new CircuitBreakerPolicy({ failureThreshold: 2 });
    const { repo, chaos } = resilientFixture({ breaker }, { failureRate: 1 });
    await expect(repo.get('k')).rejects.toThrow();
    await expect(repo.get('k')).rejects.toThrow();
    await expect(repo.get('k')).rejects.toMatchObject({ code: 'E_CIRCUIT_OPEN' });
    expect(chaos.calls()).toBe(2);
  });
});

describe('ResilientCacheRepository: events', () => {
  it('re-emits breaker, fallback and inner events through one listener, and unsubscribes from all', async () => {
    const innerEvents = new CacheEventEmitter();
    const inner = Object.assign(new InMemoryCacheRepository(), {
      onEvent: (listener: (event: CacheEvent) => void) => innerEvents.onEvent(listener),
    });
    vi.spyOn(inner, 'get').mockRejectedValue(new CacheUnavailableError('down'));
    const breaker = new CircuitBreakerPolicy({ failureThreshold: 2 });
    const repo = new ResilientCacheRepository(inner, { breaker });
    const seen: string[] = [];
    const unsubscribe = repo.onEvent((event) => seen.push(event.type));
    innerEvents.emit({ type: 'connection', status: 'reconnecting', connections: 1 });
    await expect(repo.get('k')).rejects.toThrow();
    await expect(repo.get('k')).rejects.toThrow();
    // Call 1 fails (a fallback miss); call 2 fails, opens the circuit and misses the fallback.
    expect(seen).toEqual(['connection', 'fallback', 'circuit', 'fallback']);

    unsubscribe();
    innerEvents.emit({ type: 'connection', status: 'ready', connections: 1 });
    breaker.reset();
    await expect(repo.get('k')).rejects.toThrow();
    expect(seen).toHaveLength(4);
  });
});
