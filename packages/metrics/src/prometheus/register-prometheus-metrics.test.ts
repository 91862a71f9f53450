import { type CacheEvent, CacheTimeoutError, InvalidConfigError } from '@forno/core';
import { Counter, type OpenMetricsContentType, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CacheMetrics } from '../cache-metrics.js';
import { registerPrometheusMetrics } from './register-prometheus-metrics.js';

interface Line {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses the Prometheus text exposition format: `# TYPE`/`# HELP` comments and sample lines. */
function parse(text: string) {
  const samples: Line[] = [];
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line === '# EOF') continue;
    const comment = /^# (TYPE|HELP) (\S+) (.*)$/.exec(line);
    if (comment) {
      (comment[1] === 'TYPE' ? types : help).set(comment[2]!, comment[3]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`unparsable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (sample[2] ?? '').matchAll(
      /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g,
    )) {
      labels[name!] = value!;
    }
    const raw = sample[3]!;
    const value = raw === '+Inf' ? Number.POSITIVE_INFINITY : Number(raw);
    samples.push({ name: sample[1]!, labels, value });
  }
  const find = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return { samples, types, help, find };
}

const SCRIPT: CacheEvent[] = [
  { type: 'operation', operation: 'get', outcome: 'hit', durationMs: 2 },
  { type: 'operation', operation: 'get', outcome: 'hit', durationMs: 3 },
  { type: 'operation', operation: 'get', outcome: 'miss', durationMs: 40 },
  { type: 'operation', operation: 'set', outcome: 'ok', durationMs: 1 },
  { type: 'operation', operation: 'mget', outcome: 'ok', durationMs: 4, hits: 1, misses: 2 },
  {
    type: 'operation',
    operation: 'get',
    outcome: 'error',
    durationMs: 1_000,
    error: new CacheTimeoutError('timed out'),
  },
  { type: 'connection', status: 'ready', connections: 2 },
  { type: 'lock', action: 'acquired', key: 'order_lock:42', durationMs: 12 },
];

function recorded(prefix = 'mario_pizzeria_redis'): CacheMetrics {
  const metrics = new CacheMetrics({ prefix });
  for (const event of SCRIPT) metrics.record(event);
  return metrics;
}

describe('registerPrometheusMetrics', () => {
  it('exposes requests, errors and latency with the prefix, parsed back from the text format', async () => {
    const registry = new Registry();
    registerPrometheusMetrics(recorded(), { registry });
    const { find, types, help } = parse(await registry.metrics());

    const requests = 'mario_pizzeria_redis_cache_requests_total';
    expect(types.get(requests)).toBe('counter');
    expect(help.get(requests)).toMatch(/^Cache requests by operation and result/);
    expect(find(requests, { operation: 'get', result: 'hit' })).toEqual([
      { name: requests, labels: { operation: 'get', result: 'hit' }, value: 2 },
    ]);
    expect(find(requests, { operation: 'get', result: 'miss' })[0]?.value).toBe(1);
    expect(find(requests, { operation: 'get', result: 'error' })[0]?.value).toBe(1);
    expect(find(requests, { operation: 'mget', result: 'hit' })[0]?.value).toBe(1);
    expect(find(requests, { operation: 'mget', result: 'miss' })[0]?.value).toBe(2);
    expect(find(requests, { operation: 'set', result: 'ok' })[0]?.value).toBe(1);
    expect(
      find('mario_pizzeria_redis_cache_errors_total', { operation: 'get', code: 'E_CACHE_TIMEOUT' })[0]
        ?.value,
    ).toBe(1);
    expect(find('mario_pizzeria_redis_cache_hit_ratio')[0]?.value).toBeCloseTo(3 / 6, 12);
    expect(find('mario_pizzeria_redis_active_connections')[0]?.value).toBe(2);
    expect(find('mario_pizzeria_redis_lock_events_total', { action: 'acquired' })[0]?.value).toBe(1);
  });

  it('exports latency as a histogram in seconds with cumulative buckets, _sum and _count', async () => {
    const registry = new Registry();
    registerPrometheusMetrics(recorded(), { registry });
    const { find, types } = parse(await registry.metrics());
    const name = 'mario_pizzeria_redis_operation_duration_seconds';
    expect(types.get(name)).toBe('histogram');
    const buckets = find(`${name}_bucket`, { operation: 'get' }).map((s) => [s.labels.le, s.value]);
    expect(buckets).toEqual([
      ['0.001', 0],
      ['0.005', 2],
      ['0.01', 2],
      ['0.05', 3],
      ['0.1', 3],
      ['0.5', 3],
      ['1', 4],
      ['5', 4],
      ['10', 4],
      ['+Inf', 4],
    ]);
    expect(find(`${name}_count`, { operation: 'get' })[0]?.value).toBe(4);
    expect(find(`${name}_sum`, { operation: 'get' })[0]?.value).toBeCloseTo(1.045, 12);
  });

  it('never exports a per-key label', async () => {
    const registry = new Registry();
    registerPrometheusMetrics(recorded(), { registry });
    const { samples } = parse(await registry.metrics());
    expect(samples.length).toBeGreaterThan(20);
    for (const sample of samples) expect(Object.keys(sample.labels)).not.toContain('key');
    expect(await registry.metrics()).not.toContain('order_lock');
  });

  it('can be registered twice in the same registry: the second registration replaces the first', async () => {
    const registry = new Registry();
    const first = recorded();
    registerPrometheusMetrics(first, { registry });
    expect(() => registerPrometheusMetrics(first, { registry })).not.toThrow();
    const second = new CacheMetrics({ prefix: 'mario_pizzeria_redis' });
    expect(() => registerPrometheusMetrics(second, { registry })).not.toThrow();
    const { find, types } = parse(await registry.metrics());
    expect([...types.keys()].filter((name) => name.endsWith('redis_cache_requests_total'))).toHaveLength(1);
    expect(find('mario_pizzeria_redis_cache_requests_total')).toEqual([]);
  });

  it('refuses to replace a metric that someone else registered under the same name', () => {
    const registry = new Registry();
    new Counter({ name: 'forno_cache_requests_total', help: 'theirs', registers: [registry] });
    expect(() => registerPrometheusMetrics(new CacheMetrics(), { registry })).toThrow(InvalidConfigError);
    expect(registry.getSingleMetric('forno_cache_errors_total')).toBeUndefined();
  });

  it('adds constant labels, and refuses a key among them', async () => {
    const registry = new Registry();
    registerPrometheusMetrics(recorded(), { registry, labels: { cache: 'sessions' } });
    const { find } = parse(await registry.metrics());
    expect(find('mario_pizzeria_redis_cache_requests_total', { cache: 'sessions' })).toHaveLength(6);
    expect(() =>
      registerPrometheusMetrics(recorded('other'), { registry: new Registry(), labels: { key: 'x' } }),
    ).toThrow(/per-key/);
  });

  it('reads values at scrape time, including metrics created after registration', async () => {
    const registry = new Registry();
    const metrics = new CacheMetrics();
    registerPrometheusMetrics(metrics, { registry });
    metrics.record({ type: 'operation', operation: 'get', outcome: 'miss', durationMs: 1 });
    metrics.incrementCounter('pizzas_baked_total', { size: 'large' }, 2);
    const { find, types } = parse(await registry.metrics());
    expect(find('forno_cache_requests_total', { result: 'miss' })[0]?.value).toBe(1);
    expect(types.get('forno_pizzas_baked_total')).toBe('counter');
    expect(find('forno_pizzas_baked_total', { size: 'large' })[0]?.value).toBe(2);
  });

  it('serves OpenMetrics too, keeping _total on counters', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    registerPrometheusMetrics(recorded(), { registry });
    const text = await registry.metrics();
    expect(text.endsWith('# EOF\n')).toBe(true);
    const { find, types } = parse(text);
    expect(types.get('mario_pizzeria_redis_cache_requests')).toBe('counter');
    expect(
      find('mario_pizzeria_redis_cache_requests_total', { operation: 'get', result: 'hit' })[0]?.value,
    ).toBe(2);
  });

  it('unregisters everything it registered', async () => {
    const registry = new Registry();
    const metrics = recorded();
    const unregister = registerPrometheusMetrics(metrics, { registry });
    unregister();
    metrics.incrementCounter('later_total');
    expect(await registry.metrics()).toBe('\n');
    expect(() => registerPrometheusMetrics(metrics, { registry })).not.toThrow();
  });

  it('validates its arguments', () => {
    expect(() => registerPrometheusMetrics({} as never, { registry: new Registry() })).toThrow(
      /CacheMetrics/,
    );
    expect(() => registerPrometheusMetrics(new CacheMetrics(), {} as never)).toThrow(
      expect.objectContaining({ code: InvalidConfigError.code, argument: 'options.registry' }),
    );
    expect(() => new CacheMetrics({ prefix: '9' })).toThrow(
      expect.objectContaining({ code: InvalidConfigError.code, argument: 'options.prefix' }),
    );
    expect(() => new CacheMetrics({ buckets: [2, 1] })).toThrow(
      expect.objectContaining({ code: InvalidConfigError.code, argument: 'options.buckets' }),
    );
  });
});
