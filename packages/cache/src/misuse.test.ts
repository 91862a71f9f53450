import { InvalidArgumentError, InvalidConfigError } from '@forno/core';
import { CacheMetrics, INSTRUMENTS } from '@forno/metrics';
import { RawSerializer } from '@forno/serialization';
import { InMemoryCacheRepository, ManualClock } from '@forno/testing';
import { describe, expect, it } from 'vitest';
import { CacheClosedError } from './errors.js';
import { HybridCache } from './hybrid-cache.js';

const repository = () => new InMemoryCacheRepository();

function argumentOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as InvalidArgumentError).argument;
  }
  return undefined;
}

describe('misuse: typed errors naming the field, before anything is sent', () => {
  it('constructor options: InvalidConfigError naming options.<field>', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ttl: 'soon' }, 'ttl'],
      [{ ttl: 0 }, 'ttl'],
      [{ ttl: Number.NaN }, 'ttl'],
      [{ grace: -1 }, 'grace'],
      [{ timeout: '1 minute' }, 'timeout'],
      [{ hardTimeout: 0 }, 'hardTimeout'],
      [{ eagerRefresh: 1 }, 'eagerRefresh'],
      [{ eagerRefresh: 0 }, 'eagerRefresh'],
      [{ jitter: 1.5 }, 'jitter'],
      [{ stampede: 'global' }, 'stampede'],
      [{ stampede: 'distributed' }, 'stampede'], // no repository to lock on
      [{ namespace: 'a:b' }, 'namespace'],
      [{ namespace: '' }, 'namespace'],
      [{ l1: { maxEntries: 0 } }, 'l1.maxEntries'],
      [{ l1: { maxTtl: '1 hour' } }, 'l1.maxTtl'],
      [{ l1: { max: 1 } }, 'l1.max'],
      [{ bus: { heartbeat: 0 } }, 'bus.heartbeat'],
      [{ tll: '1h' }, 'tll'],
      [{ repository: {} }, 'repository'],
      [{ repository: new InMemoryCacheRepository({ serializer: new RawSerializer() }) }, 'repository'],
      [{ clock: {} }, 'clock'],
      [{ invalidation: {} }, 'invalidation'],
      [{ tags: ['menu'] }, 'tags'],
    ];
    for (const [options, field] of cases) {
      let thrown: unknown;
      try {
        new HybridCache(options as never);
      } catch (error) {
        thrown = error;
      }
      expect(InvalidConfigError.is(thrown), `${JSON.stringify(options)}`).toBe(true);
      expect((thrown as InvalidConfigError).argument).toBe(`options.${field}`);
    }
    expect(() => new HybridCache(null as never)).toThrow(InvalidConfigError);
  });

  it('keys, factories, per-call options and durations: InvalidArgumentError naming the argument', async () => {
    const cache = new HybridCache({ repository: repository(), bus: false });
    const load = () => 'x';
    const rejects = async (call: () => Promise<unknown>, argument: string) => {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(InvalidArgumentError.is(error), argument).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe(argument);
    };
    await rejects(() => cache.getOrSet('', load), 'key');
    await rejects(() => cache.getOrSet(42 as never, load), 'key');
    await rejects(() => cache.getOrSet('k', 'load' as never), 'factory');
    await rejects(() => cache.getOrSet('k', load, { ttl: '10 minutes' as never }), 'options.ttl');
    await rejects(() => cache.getOrSet('k', load, { grace: Number.POSITIVE_INFINITY }), 'options.grace');
    await rejects(() => cache.getOrSet('k', load, { tags: ['ok', ''] }), 'options.tags[1]');
    await rejects(() => cache.getOrSet('k', load, { tll: '1h' } as never), 'options.tll');
    await rejects(() => cache.getOrSetMany(['a', ''], async () => []), 'keys[1]');
    await rejects(() => cache.getOrSetMany('a' as never, async () => []), 'keys');
    await rejects(() => cache.set('k', undefined), 'value');
    await rejects(() => cache.set('k', 1, { timeout: '1s' } as never), 'options.timeout');
    await rejects(() => cache.delete([]), 'key');
    await rejects(() => cache.expire(['a', '']), 'key[1]');
    await rejects(() => cache.deleteByTag(''), 'tag[0]');
    await rejects(
      () =>
        cache.getOrSet('k', ({ setTtl }) => {
          setTtl(-5);
          return 'v';
        }),
      'ttl',
    );
    expect(argumentOf(() => cache.namespace('a:b'))).toBe('name');
    expect(argumentOf(() => cache.namespace('ok', { ttl: 'x' as never }))).toBe('options.ttl');
    expect(argumentOf(() => cache.on('hit', 'listener' as never))).toBe('listener');
    await cache.close();
  });

  it('a closed cache refuses calls with CacheClosedError; close never closes the repository', async () => {
    const repo = repository();
    const cache = new HybridCache({ repository: repo });
    const ready = cache.ready();
    await cache.close();
    expect(await ready).toBe(false); // closed before its bus delivered
    expect(await new HybridCache({}).ready()).toBe(true); // no bus: at once
    await cache.close();
    await expect(cache.get('k')).rejects.toBeInstanceOf(CacheClosedError);
    await expect(cache.getOrSet('k', () => 1)).rejects.toMatchObject({ code: 'E_CACHE_CLOSED' });
    expect(repo.status).toBe('ready');
    await expect(cache.namespace('child').get('k')).rejects.toBeInstanceOf(CacheClosedError);
  });
});

describe('metrics through @forno/metrics', () => {
  it('counts L1 hits, L2 hits, misses, stale values, factory calls with durations, bus messages', async () => {
    const clock = new ManualClock();
    const repo = new InMemoryCacheRepository({ clock });
    const cache = new HybridCache({ repository: repo, namespace: 'menu', clock, ttl: '1m', grace: '1h' });
    const metrics = new CacheMetrics();
    metrics.attach(cache);
    await cache.getOrSet('a', () => 'A'); // miss
    await cache.getOrSet('a', () => 'A'); // L1 (or L2 until the bus is up)
    clock.advance(61_000);
    await cache.getOrSet('a', () => Promise.reject(new Error('down'))); // stale
    const requests = (result: string) =>
      metrics.getCounter(INSTRUMENTS.hybridRequests.name, { cache: 'menu', result });
    expect(requests('miss')).toBe(1);
    expect(requests('l1_hit') + requests('l2_hit')).toBe(1);
    expect(requests('stale')).toBe(1);
    expect(metrics.getCounter(INSTRUMENTS.hybridFactoryCalls.name, { result: 'ok' })).toBe(1);
    expect(metrics.getCounter(INSTRUMENTS.hybridFactoryCalls.name, { result: 'error' })).toBe(1);
    expect(metrics.getHistogram(INSTRUMENTS.hybridFactoryDuration.name, { cache: 'menu' })?.count).toBe(2);
    expect(
      metrics.getCounter(INSTRUMENTS.hybridBusMessages.name, { direction: 'out' }),
    ).toBeGreaterThanOrEqual(1);
    const snapshot = JSON.stringify(metrics.snapshot());
    expect(snapshot).not.toContain('"a"'); // no key in any label
    await cache.close();
  });
});
