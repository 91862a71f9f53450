import { CacheEventEmitter, InvalidConfigError } from '@forno/core';
import type { RawCommands } from '@forno/core/backend';
import { describe, expect, it } from 'vitest';
import { recordRepositoryMetrics } from './repository-metrics.js';

/** Just enough of a backend for the wiring: a raw `get` that misses or hits; every other command answers null. */
function tinyBackend(): RawCommands {
  const get = async (key: string) => (key === 'hit' ? 'value' : null);
  return new Proxy({} as RawCommands, {
    get: (_, name) => (name === 'get' ? get : async () => null),
  });
}

describe('recordRepositoryMetrics', () => {
  it('times the backend’s raw commands and records them into new metrics', async () => {
    const backend = tinyBackend();
    const events = new CacheEventEmitter();
    const { metrics, raw } = recordRepositoryMetrics(backend, events, 'pizzeria');
    expect(raw).not.toBe(backend);
    await raw.get('hit');
    await raw.get('miss');
    await backend.get('hit'); // the backend itself is not instrumented
    expect(metrics.summary()).toMatchObject({
      totalOperations: 2,
      cacheHits: 1,
      cacheMisses: 1,
      hitRatio: 0.5,
    });
  });

  it('refuses a prefix that cannot start a metric name, naming options.metricsPrefix', () => {
    expect(() => recordRepositoryMetrics(tinyBackend(), new CacheEventEmitter(), '1-bad')).toThrow(
      expect.objectContaining({ code: InvalidConfigError.code, argument: 'options.metricsPrefix' }),
    );
  });
});
