import {
  type CacheEvent,
  CacheEventEmitter,
  CacheTimeoutError,
  CacheUnavailableError,
  InvalidArgumentError,
  InvalidConfigError,
} from '@forno/core';
import { describe, expect, it, vi } from 'vitest';
import { CacheMetrics } from './cache-metrics.js';
import { DB_CLIENT_DURATION_BUCKETS, INSTRUMENTS } from './instruments.js';
import type { ValueFamilySnapshot } from './metric-types.js';

const op = (
  operation: string,
  outcome: 'hit' | 'miss' | 'ok' | 'error',
  durationMs: number,
  extra: Partial<Extract<CacheEvent, { type: 'operation' }>> = {},
): CacheEvent => ({ type: 'operation', operation, outcome, durationMs, ...extra });

/** A scripted sequence: 7 operations, 4 keys found, 3 missed, one timeout. */
const SCRIPT: CacheEvent[] = [
  op('get', 'hit', 2),
  op('get', 'miss', 4),
  op('get', 'hit', 20),
  op('set', 'ok', 0.5),
  op('mget', 'ok', 3, { hits: 2, misses: 1 }),
  op('incrby', 'error', 1_500, { error: new CacheTimeoutError('timed out') }),
  op('hgetall', 'miss', 1),
];

function recorded(events: readonly CacheEvent[] = SCRIPT): CacheMetrics {
  const metrics = new CacheMetrics({ prefix: 'mario' });
  for (const event of events) metrics.record(event);
  return metrics;
}

describe('CacheMetrics: increment, gauge, timing and summary', () => {
  it('counts, sums over label filters, and reads gauges', () => {
    const metrics = new CacheMetrics();
    metrics.incrementCounter('cache_operations_get');
    metrics.incrementCounter('cache_operations_get');
    metrics.incrementCounter('orders', { status: 'paid' }, 3);
    metrics.incrementCounter('orders', { status: 'open' });
    metrics.setGauge('queue_length', 7);
    metrics.setGauge('queue_length', 4, { station: 'oven' });
    expect(metrics.getCounter('cache_operations_get')).toBe(2);
    expect(metrics.getCounter('orders')).toBe(4);
    expect(metrics.getCounter('orders', { status: 'paid' })).toBe(3);
    expect(metrics.getCounter('unknown')).toBe(0);
    expect(metrics.getGauge('queue_length')).toBe(7);
    expect(metrics.getGauge('queue_length', { station: 'oven' })).toBe(4);
    expect(metrics.getGauge('queue_length', { station: 'grill' })).toBe(0);
    expect(metrics.getGauge('never_set')).toBe(0);
  });

  it('fills histogram buckets with Prometheus semantics (le is inclusive, +Inf last)', () => {
    const metrics = new CacheMetrics();
    for (const value of [0.001, 0.0011, 0.005, 0.7, 11]) metrics.observeHistogram('bake_seconds', value);
    const histogram = metrics.getHistogram('bake_seconds');
    expect(histogram?.buckets.map(({ le, count }) => [le, count])).toEqual([
      [0.001, 1],
      [0.005, 3],
      [0.01, 3],
      [0.05, 3],
      [0.1, 3],
      [0.5, 3],
      [1, 4],
      [5, 4],
      [10, 4],
      [Number.POSITIVE_INFINITY, 5],
    ]);
    expect(histogram?.count).toBe(5);
    expect(histogram?.sum).toBeCloseTo(11.7071, 10);
    expect(metrics.getHistogram('bake_seconds', { oven: '1' })).toBeUndefined();
  });

  it('uses the OpenTelemetry advised buckets by default, or the given ones', () => {
    expect(new CacheMetrics().buckets).toEqual([0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10]);
    expect(new CacheMetrics().buckets).toEqual(DB_CLIENT_DURATION_BUCKETS);
    expect(new CacheMetrics({ buckets: [0.1, 1] }).buckets).toEqual([0.1, 1]);
  });

  it('refuses per-key labels, bad names, bad values and mixed types', () => {
    const metrics = new CacheMetrics();
    expect(() => metrics.incrementCounter('reads', { key: 'menu:item:1' })).toThrow(/per-key labels/);
    expect(() => metrics.incrementCounter('reads', { keys: 'a,b' })).toThrow(InvalidArgumentError);
    expect(() => metrics.observeHistogram('h', 1, { le: '1' })).toThrow(/reserved/);
    expect(() => metrics.incrementCounter('bad-name')).toThrow(InvalidArgumentError);
    expect(() => metrics.incrementCounter('reads', { 'bad-label': 'x' })).toThrow(InvalidArgumentError);
    expect(() => metrics.incrementCounter('reads', { n: 1 as unknown as string })).toThrow(/string/);
    expect(() => metrics.incrementCounter('reads', {}, -1)).toThrow(/only goes up/);
    expect(() => metrics.setGauge('g', Number.NaN)).toThrow(InvalidArgumentError);
    metrics.incrementCounter('reads');
    expect(() => metrics.setGauge('reads', 1)).toThrow(/is a counter, not a gauge/);
  });

  it('validates its options', () => {
    expect(() => new CacheMetrics({ prefix: 'mario-pizzeria' })).toThrow(InvalidConfigError);
    expect(() => new CacheMetrics({ prefix: '1abc' })).toThrow(InvalidConfigError);
    expect(new CacheMetrics({ prefix: '' }).prefix).toBe('');
    expect(() => new CacheMetrics({ buckets: [] })).toThrow(InvalidConfigError);
    expect(() => new CacheMetrics({ buckets: [1, 0.5] })).toThrow(/increasing/);
    expect(() => new CacheMetrics({ prefx: 'x' } as never)).toThrow(/unknown option/);
  });
});

describe('CacheMetrics: operation events', () => {
  it('counts requests by operation and result, exactly, from a scripted sequence', () => {
    const metrics = recorded();
    const requests = INSTRUMENTS.requests.name;
    const byLabels = Object.fromEntries(
      ((metrics.family(requests) as ValueFamilySnapshot | undefined)?.samples ?? []).map(
        ({ labels, value }) => [`${labels.operation}:${labels.result}`, value],
      ),
    );
    expect(byLabels).toEqual({
      'get:hit': 2,
      'get:miss': 1,
      'set:ok': 1,
      'mget:hit': 2,
      'mget:miss': 1,
      'incrby:error': 1,
      'hgetall:miss': 1,
    });
    expect(metrics.getCounter(requests, { result: 'hit' })).toBe(4);
    expect(metrics.getCounter(requests, { result: 'miss' })).toBe(3);
    expect(
      metrics.getCounter(INSTRUMENTS.errors.name, { operation: 'incrby', code: 'E_CACHE_TIMEOUT' }),
    ).toBe(1);
  });

  it('summarises operations, hits, misses and the hit ratio', () => {
    const metrics = recorded();
    expect(metrics.summary()).toEqual({ totalOperations: 7, cacheHits: 4, cacheMisses: 3, hitRatio: 4 / 7 });
    expect(metrics.hitRatio).toBe(4 / 7);
    expect(metrics.getGauge(INSTRUMENTS.hitRatio.name)).toBe(4 / 7);
    expect(new CacheMetrics().summary()).toEqual({
      totalOperations: 0,
      cacheHits: 0,
      cacheMisses: 0,
      hitRatio: 0,
    });
  });

  it('times each operation in seconds in the histogram of its operation', () => {
    const metrics = recorded();
    const get = metrics.getHistogram(INSTRUMENTS.operationDuration.name, { operation: 'get' });
    expect(get?.buckets.map(({ count }) => count)).toEqual([0, 2, 2, 3, 3, 3, 3, 3, 3, 3]);
    expect(get?.sum).toBeCloseTo(0.026, 12);
    const incrby = metrics.getHistogram(INSTRUMENTS.operationDuration.name, { operation: 'incrby' });
    expect(incrby?.buckets.map(({ count }) => count)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    const hgetall = metrics.getHistogram(INSTRUMENTS.operationDuration.name, { operation: 'hgetall' });
    expect(hgetall?.buckets[0]).toEqual({ le: 0.001, count: 1 });
  });

  it('files an error without a Forno code under "unknown", and an empty mget as ok', () => {
    const metrics = recorded([op('hdel', 'error', 1), op('mget', 'ok', 1, { hits: 0, misses: 0 })]);
    expect(metrics.getCounter(INSTRUMENTS.errors.name, { code: 'unknown' })).toBe(1);
    expect(metrics.getCounter(INSTRUMENTS.requests.name, { operation: 'mget', result: 'ok' })).toBe(1);
    expect(metrics.summary()).toMatchObject({ totalOperations: 2, cacheHits: 0, cacheMisses: 0 });
  });

  it('never labels a series by key', () => {
    const metrics = recorded();
    for (const family of metrics.snapshot().families) {
      for (const sample of family.samples) expect(Object.keys(sample.labels)).not.toContain('key');
    }
  });
});

describe('CacheMetrics: resilience, lock and connection events', () => {
  it('maps connection events to the active connections gauge and a counter by status', () => {
    const metrics = recorded([
      { type: 'connection', status: 'ready', connections: 4 },
      { type: 'connection', status: 'reconnecting', connections: 4 },
      { type: 'connection', status: 'ready', connections: 4 },
    ]);
    expect(metrics.getGauge(INSTRUMENTS.activeConnections.name)).toBe(4);
    expect(metrics.getCounter(INSTRUMENTS.connectionEvents.name, { status: 'ready' })).toBe(2);
    expect(metrics.getCounter(INSTRUMENTS.connectionEvents.name, { status: 'reconnecting' })).toBe(1);
    metrics.record({ type: 'connection', status: 'closed', connections: 4 });
    expect(metrics.getGauge(INSTRUMENTS.activeConnections.name)).toBe(0);
  });

  it('maps circuit events to the state gauge and transitions by state', () => {
    const metrics = recorded([{ type: 'circuit', state: 'open', previous: 'closed' }]);
    expect(metrics.getGauge(INSTRUMENTS.circuitState.name)).toBe(2);
    metrics.record({ type: 'circuit', state: 'half-open', previous: 'open' });
    expect(metrics.getGauge(INSTRUMENTS.circuitState.name)).toBe(1);
    metrics.record({ type: 'circuit', state: 'closed', previous: 'half-open' });
    expect(metrics.getGauge(INSTRUMENTS.circuitState.name)).toBe(0);
    expect(metrics.getCounter(INSTRUMENTS.circuitTransitions.name)).toBe(3);
    expect(metrics.getCounter(INSTRUMENTS.circuitTransitions.name, { state: 'open' })).toBe(1);
  });

  it('counts retries and fallbacks (by whether a stale copy was served)', () => {
    const outage = new CacheUnavailableError('down');
    const metrics = recorded([
      { type: 'retry', attempt: 1, delayMs: 100, error: outage },
      { type: 'retry', attempt: 2, delayMs: 200, error: outage },
      { type: 'fallback', operation: 'get', key: 'menu:1', hit: true, error: outage },
      { type: 'fallback', operation: 'get', key: 'menu:2', hit: false, error: outage },
      { type: 'fallback', operation: 'hgetall', key: 'session:1', hit: true, error: outage },
    ]);
    expect(metrics.getCounter(INSTRUMENTS.retries.name)).toBe(2);
    expect(metrics.getCounter(INSTRUMENTS.fallbacks.name, { result: 'hit' })).toBe(2);
    expect(metrics.getCounter(INSTRUMENTS.fallbacks.name, { operation: 'get', result: 'miss' })).toBe(1);
  });

  it('counts lock acquisitions, waits, timeouts and losses, and times waits and holds', () => {
    const metrics = recorded([
      { type: 'lock', action: 'waited', key: 'order_lock:1' },
      { type: 'lock', action: 'acquired', key: 'order_lock:1', durationMs: 30 },
      { type: 'lock', action: 'extended', key: 'order_lock:1' },
      { type: 'lock', action: 'released', key: 'order_lock:1', durationMs: 700 },
      { type: 'lock', action: 'timeout', key: 'order_lock:2', durationMs: 5_000 },
      { type: 'lock', action: 'acquired', key: 'order_lock:3' },
      { type: 'lock', action: 'lost', key: 'order_lock:3' },
    ]);
    const events = INSTRUMENTS.lockEvents.name;
    expect(metrics.getCounter(events, { action: 'acquired' })).toBe(2);
    expect(metrics.getCounter(events, { action: 'waited' })).toBe(1);
    expect(metrics.getCounter(events, { action: 'timeout' })).toBe(1);
    expect(metrics.getCounter(events, { action: 'lost' })).toBe(1);
    expect(metrics.getCounter(events, { action: 'released' })).toBe(1);
    expect(metrics.getCounter(events, { action: 'extended' })).toBe(1);
    const waited = metrics.getHistogram(INSTRUMENTS.lockWait.name, { result: 'acquired' });
    expect(waited).toMatchObject({ count: 1, sum: 0.03 });
    expect(metrics.getHistogram(INSTRUMENTS.lockWait.name, { result: 'timeout' })).toMatchObject({ sum: 5 });
    expect(metrics.getHistogram(INSTRUMENTS.lockHold.name)).toMatchObject({ count: 1, sum: 0.7 });
    expect(metrics.summary().totalOperations).toBe(0);
  });

  it('counts hybrid-cache lookups by layer, factory runs with their durations, bus messages and resets', () => {
    const metrics = recorded([
      { type: 'hybrid-cache', action: 'lookup', cache: 'menu', result: 'l1-hit' },
      { type: 'hybrid-cache', action: 'lookup', cache: 'menu', result: 'l1-hit' },
      { type: 'hybrid-cache', action: 'lookup', cache: 'menu', result: 'l2-hit' },
      { type: 'hybrid-cache', action: 'lookup', cache: 'menu', result: 'miss' },
      { type: 'hybrid-cache', action: 'lookup', cache: 'users', result: 'stale' },
      { type: 'hybrid-cache', action: 'factory', cache: 'menu', result: 'ok', durationMs: 40 },
      { type: 'hybrid-cache', action: 'factory', cache: 'menu', result: 'error', durationMs: 10 },
      { type: 'hybrid-cache', action: 'bus', cache: 'menu', direction: 'out' },
      { type: 'hybrid-cache', action: 'bus', cache: 'menu', direction: 'in' },
      { type: 'hybrid-cache', action: 'bus', cache: 'menu', direction: 'in' },
      { type: 'hybrid-cache', action: 'bus', cache: 'menu', direction: 'reset' },
    ]);
    const requests = INSTRUMENTS.hybridRequests.name;
    expect(metrics.getCounter(requests, { cache: 'menu', result: 'l1_hit' })).toBe(2);
    expect(metrics.getCounter(requests, { cache: 'menu', result: 'l2_hit' })).toBe(1);
    expect(metrics.getCounter(requests, { cache: 'menu', result: 'miss' })).toBe(1);
    expect(metrics.getCounter(requests, { result: 'stale' })).toBe(1);
    expect(metrics.getCounter(INSTRUMENTS.hybridFactoryCalls.name, { result: 'ok' })).toBe(1);
    expect(metrics.getCounter(INSTRUMENTS.hybridFactoryCalls.name, { result: 'error' })).toBe(1);
    expect(metrics.getHistogram(INSTRUMENTS.hybridFactoryDuration.name, { cache: 'menu' })).toMatchObject({
      count: 2,
      sum: 0.05,
    });
    expect(metrics.getCounter(INSTRUMENTS.hybridBusMessages.name, { direction: 'in' })).toBe(2);
    expect(metrics.getCounter(INSTRUMENTS.hybridBusMessages.name, { direction: 'out' })).toBe(1);
    expect(metrics.getCounter(INSTRUMENTS.hybridBusResets.name, { cache: 'menu' })).toBe(1);
    // Not repository traffic: the repository's summary and hit ratio are untouched.
    expect(metrics.summary()).toMatchObject({ totalOperations: 0, cacheHits: 0 });
  });
});

describe('CacheMetrics: wiring', () => {
  it('attaches to any event source and detaches again', () => {
    const source = new CacheEventEmitter();
    const metrics = new CacheMetrics();
    const detach = metrics.attach(source);
    source.emit(op('get', 'hit', 1));
    detach();
    source.emit(op('get', 'hit', 1));
    expect(metrics.summary().cacheHits).toBe(1);
    expect(source.hasListeners).toBe(false);
    expect(() => metrics.attach({} as never)).toThrow(InvalidArgumentError);
  });

  it('passes recorded events on to its own listeners', () => {
    const metrics = new CacheMetrics();
    const listener = vi.fn();
    const stop = metrics.onEvent(listener);
    metrics.record(SCRIPT[0]!);
    stop();
    metrics.record(SCRIPT[1]!);
    expect(listener).toHaveBeenCalledExactlyOnceWith(SCRIPT[0]);
  });

  it('never throws from record, whatever it is given', () => {
    const metrics = new CacheMetrics();
    expect(() => metrics.record(null as never)).not.toThrow();
    expect(() => metrics.record({ type: 'operation' } as never)).not.toThrow();
    expect(() => metrics.record({ type: 'unknown' } as never)).not.toThrow();
  });

  it('tells exporters about families created later', () => {
    const metrics = new CacheMetrics();
    const created: string[] = [];
    metrics.onFamilyCreated(({ name, type }) => created.push(`${name}:${type}`));
    metrics.incrementCounter('pizzas_baked_total');
    metrics.incrementCounter('pizzas_baked_total');
    metrics.record(op('get', 'hit', 1));
    expect(created).toEqual(['pizzas_baked_total:counter']);
  });

  it('declares every built-in instrument up front and resets values but not families', () => {
    const metrics = recorded();
    const names = metrics.snapshot().families.map(({ name }) => name);
    for (const { name } of Object.values(INSTRUMENTS)) expect(names).toContain(name);
    metrics.reset();
    expect(metrics.summary().totalOperations).toBe(0);
    expect(metrics.getCounter(INSTRUMENTS.requests.name)).toBe(0);
    expect(metrics.snapshot().families.map(({ name }) => name)).toEqual(names);
    metrics.record(op('get', 'miss', 1));
    expect(metrics.getCounter(INSTRUMENTS.requests.name, { result: 'miss' })).toBe(1);
    expect(metrics.getGauge(INSTRUMENTS.hitRatio.name)).toBe(0);
  });
});
