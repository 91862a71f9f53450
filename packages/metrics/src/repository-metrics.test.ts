import { CacheEventEmitter, type CacheRepository, InvalidConfigError } from '@forno/core';
import { describe, expect, it } from 'vitest';
import { recordRepositoryMetrics } from './repository-metrics.js';

/** Just enough of a repository for the wiring: one read that misses, one that hits. */
function tinyRepository(): CacheRepository {
  return {
    get: async (key: string) => (key === 'hit' ? 'value' : null),
  } as unknown as CacheRepository;
}

describe('recordRepositoryMetrics', () => {
  it('times the repository’s operations and records them into new metrics', async () => {
    const repository = tinyRepository();
    const events = new CacheEventEmitter();
    const metrics = recordRepositoryMetrics(repository, events, 'pizzeria');
    await repository.get('hit');
    await repository.get('miss');
    expect(metrics.summary()).toMatchObject({
      totalOperations: 2,
      cacheHits: 1,
      cacheMisses: 1,
      hitRatio: 0.5,
    });
  });

  it('refuses a prefix that cannot start a metric name, naming metricsPrefix', () => {
    const error = (() => {
      try {
        recordRepositoryMetrics(tinyRepository(), new CacheEventEmitter(), '1-bad');
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).argument).toBe('metricsPrefix');
  });
});
