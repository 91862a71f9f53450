import { type CacheEvent, CacheTimeoutError, CacheUnavailableError, InvalidConfigError } from '@forno/core';
import {
  AggregationTemporality,
  DataPointType,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  MetricReader,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { CacheMetrics } from '../cache-metrics.js';
import { registerOpenTelemetryMetrics } from './register-opentelemetry-metrics.js';

/** A reader that collects on demand. */
class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const providers: MeterProvider[] = [];

function setUp() {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  providers.push(provider);
  const meter = provider.getMeter('forno-test');
  const collect = async (): Promise<MetricData[]> => {
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  };
  return { meter, collect };
}

afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.shutdown()));
});

const SCRIPT: CacheEvent[] = [
  { type: 'operation', operation: 'get', outcome: 'hit', durationMs: 2 },
  { type: 'operation', operation: 'get', outcome: 'miss', durationMs: 30 },
  { type: 'operation', operation: 'set', outcome: 'ok', durationMs: 0.5 },
  {
    type: 'operation',
    operation: 'get',
    outcome: 'error',
    durationMs: 1_000,
    error: new CacheTimeoutError('timed out'),
  },
  { type: 'operation', operation: 'hdel', outcome: 'error', durationMs: 1 },
  { type: 'lock', action: 'acquired', key: 'order_lock:1', durationMs: 20 },
  { type: 'lock', action: 'released', key: 'order_lock:1', durationMs: 800 },
];

function byName(metrics: MetricData[], name: string): MetricData {
  const metric = metrics.find((m) => m.descriptor.name === name);
  if (metric === undefined) throw new Error(`no metric ${name} in ${metrics.map((m) => m.descriptor.name)}`);
  return metric;
}

describe('registerOpenTelemetryMetrics', () => {
  it('records db.client.operation.duration in seconds with the advised buckets and semconv attributes', async () => {
    const { meter, collect } = setUp();
    const metrics = new CacheMetrics();
    registerOpenTelemetryMetrics(metrics, {
      meter,
      attributes: { 'server.address': '127.0.0.1', 'server.port': 6379 },
    });
    for (const event of SCRIPT) metrics.record(event);

    const duration = byName(await collect(), 'db.client.operation.duration');
    expect(duration.descriptor.unit).toBe('s');
    expect(duration.dataPointType).toBe(DataPointType.HISTOGRAM);
    const points = duration.dataPoints.map((point) => ({
      attributes: point.attributes,
      value: point.value as Histogram,
    }));
    const get = points.find(
      (p) => p.attributes['db.operation.name'] === 'get' && p.attributes['error.type'] === undefined,
    );
    expect(get?.attributes).toEqual({
      'db.system.name': 'redis',
      'db.operation.name': 'get',
      'server.address': '127.0.0.1',
      'server.port': 6379,
    });
    expect(get?.value.buckets.boundaries).toEqual([0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10]);
    // Non-cumulative counts: 0.002 s in (0.001, 0.005], 0.030 s in (0.01, 0.05].
    expect(get?.value.buckets.counts).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(get?.value.count).toBe(2);
    expect(get?.value.sum).toBeCloseTo(0.032, 12);

    const timeout = points.find((p) => p.attributes['error.type'] === 'E_CACHE_TIMEOUT');
    expect(timeout?.attributes['db.operation.name']).toBe('get');
    expect(timeout?.value.count).toBe(1);
    const other = points.find((p) => p.attributes['db.operation.name'] === 'hdel');
    expect(other?.attributes['error.type']).toBe('_OTHER');
    expect(points.find((p) => p.attributes['db.operation.name'] === 'set')?.value.sum).toBe(0.0005);
  });

  it('observes counters and gauges under <prefix>.<name>, without _total', async () => {
    const { meter, collect } = setUp();
    const metrics = new CacheMetrics({ prefix: 'mario' });
    registerOpenTelemetryMetrics(metrics, { meter });
    for (const event of SCRIPT) metrics.record(event);
    metrics.record({ type: 'connection', status: 'ready', connections: 3 });
    metrics.incrementCounter('pizzas_baked_total', { size: 'large' }, 2);
    const collected = await collect();

    const requests = byName(collected, 'mario.cache_requests');
    expect(requests.dataPointType).toBe(DataPointType.SUM);
    const values = Object.fromEntries(
      requests.dataPoints.map((p) => [`${p.attributes.operation}:${p.attributes.result}`, p.value]),
    );
    expect(values).toEqual({ 'get:hit': 1, 'get:miss': 1, 'set:ok': 1, 'get:error': 1, 'hdel:error': 1 });
    expect(byName(collected, 'mario.cache_hit_ratio').dataPoints[0]?.value).toBe(0.5);
    expect(byName(collected, 'mario.active_connections').dataPoints[0]?.value).toBe(3);
    expect(byName(collected, 'mario.pizzas_baked').dataPoints[0]).toMatchObject({
      attributes: { size: 'large' },
      value: 2,
    });
    const errors = byName(collected, 'mario.cache_errors').dataPoints.map((p) => p.attributes.code);
    expect(errors.sort()).toEqual(['E_CACHE_TIMEOUT', 'unknown']);
  });

  it('records lock wait and hold durations', async () => {
    const { meter, collect } = setUp();
    const metrics = new CacheMetrics();
    registerOpenTelemetryMetrics(metrics, { meter });
    for (const event of SCRIPT) metrics.record(event);
    const collected = await collect();
    const wait = byName(collected, 'forno.lock_wait');
    expect(wait.descriptor.unit).toBe('s');
    expect(wait.dataPoints[0]?.attributes).toEqual({ 'db.system.name': 'redis', result: 'acquired' });
    expect((wait.dataPoints[0]?.value as Histogram | undefined)?.sum).toBe(0.02);
    expect((byName(collected, 'forno.lock_hold').dataPoints[0]?.value as Histogram | undefined)?.sum).toBe(
      0.8,
    );
  });

  it('records hybrid-cache factory durations, and its counters by cache', async () => {
    const { meter, collect } = setUp();
    const metrics = new CacheMetrics();
    registerOpenTelemetryMetrics(metrics, { meter });
    metrics.record({ type: 'hybrid-cache', action: 'factory', cache: 'menu', result: 'ok', durationMs: 25 });
    metrics.record({ type: 'hybrid-cache', action: 'lookup', cache: 'menu', result: 'l1-hit' });
    const collected = await collect();
    const factory = byName(collected, 'forno.hybrid_cache_factory_duration');
    expect(factory.descriptor.unit).toBe('s');
    expect(factory.dataPoints[0]?.attributes).toEqual({ 'db.system.name': 'redis', cache: 'menu' });
    expect((factory.dataPoints[0]?.value as Histogram | undefined)?.sum).toBe(0.025);
    expect(byName(collected, 'forno.hybrid_cache_requests').dataPoints[0]).toMatchObject({
      attributes: { cache: 'menu', result: 'l1_hit' },
      value: 1,
    });
  });

  it('does not double count when registered twice on the same meter, and stops when unregistered', async () => {
    const { meter, collect } = setUp();
    const metrics = new CacheMetrics();
    registerOpenTelemetryMetrics(metrics, { meter });
    const unregister = registerOpenTelemetryMetrics(metrics, { meter });
    metrics.record({ type: 'operation', operation: 'get', outcome: 'hit', durationMs: 1 });
    let collected = await collect();
    const count = () =>
      (byName(collected, 'db.client.operation.duration').dataPoints[0]?.value as Histogram | undefined)
        ?.count;
    expect(count()).toBe(1);
    expect(byName(collected, 'forno.cache_requests').dataPoints.map((p) => p.value)).toEqual([1]);

    unregister();
    metrics.record({ type: 'operation', operation: 'get', outcome: 'hit', durationMs: 1 });
    collected = await collect();
    expect(count()).toBe(1);
    // No longer observed: the SDK keeps reporting the last cumulative value, not the new one (2).
    const requests = collected.find((m) => m.descriptor.name === 'forno.cache_requests')?.dataPoints ?? [];
    expect(requests.map((p) => p.value)).not.toContain(2);
    expect(metrics.getCounter('cache_requests_total')).toBe(2);
  });

  it('exports through a periodic reader into an in-memory exporter', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ readers: [reader] });
    providers.push(provider);
    const metrics = new CacheMetrics();
    registerOpenTelemetryMetrics(metrics, { meter: provider.getMeter('forno') });
    metrics.record({
      type: 'operation',
      operation: 'get',
      outcome: 'error',
      durationMs: 3,
      error: new CacheUnavailableError('down'),
    });
    await reader.forceFlush();
    const exported = exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
    const duration = byName(exported, 'db.client.operation.duration');
    expect(duration.dataPoints[0]?.attributes).toMatchObject({ 'error.type': 'E_CACHE_UNAVAILABLE' });
  });

  it('validates its arguments', () => {
    expect(() => registerOpenTelemetryMetrics(new CacheMetrics(), {} as never)).toThrow(InvalidConfigError);
    expect(() => registerOpenTelemetryMetrics({} as never, { meter: {} as never })).toThrow(/CacheMetrics/);
  });
});
