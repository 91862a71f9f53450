import { describe, expect, it } from 'vitest';
import { NodeRedisRepository } from './node-redis-repository.js';

const argumentOf = (create: () => unknown): string | undefined => {
  try {
    create();
  } catch (error) {
    return (error as { argument?: string }).argument;
  }
  return undefined;
};

describe('NodeRedisRepository configuration', () => {
  it('is validated by the same resolver as the ioredis driver: the bad field is named', () => {
    expect(argumentOf(() => new NodeRedisRepository({ port: 0 }))).toBe('options.port');
    expect(argumentOf(() => new NodeRedisRepository({ commandTimeout: 'soon' as never }))).toBe(
      'options.commandTimeout',
    );
    expect(argumentOf(() => new NodeRedisRepository({ retryPolicy: { retries: -1 } }))).toBe(
      'options.retryPolicy.retries',
    );
    expect(argumentOf(() => new NodeRedisRepository({ bogus: 1 } as never))).toBe('options.bogus');
  });

  it('rejects bad metric names, and reads from replicas on top of replica reads', () => {
    expect(argumentOf(() => new NodeRedisRepository({ enableMetrics: true, metricsPrefix: '9x' }))).toBe(
      'options.metricsPrefix',
    );
    expect(
      argumentOf(
        () =>
          new NodeRedisRepository({
            cluster: { nodes: ['127.0.0.1:7000'], scaleReads: 'all', readFallback: 'replicas' },
          }),
      ),
    ).toBe('options.cluster.readFallback');
  });

  it("accepts cluster.readFallback: 'replicas' (reads go to a replica while their primary is down)", () => {
    const repo = new NodeRedisRepository({
      cluster: { nodes: ['127.0.0.1:7000'], readFallback: 'replicas' },
    });
    expect(repo.config.cluster).toMatchObject({ scaleReads: 'master', readFallback: 'replicas' });
  });

  it('offers server-assisted invalidation on a standalone server only, and says how to turn it on', () => {
    expect(
      argumentOf(
        () => new NodeRedisRepository({ sentinel: { sentinels: ['h:1'], name: 'm' } }, { tracking: true }),
      ),
    ).toBe('options.tracking');
    expect(
      argumentOf(() => new NodeRedisRepository({ cluster: { nodes: ['h:1'] } }, { tracking: true })),
    ).toBe('options.tracking');
    expect(argumentOf(() => new NodeRedisRepository({}, { tracking: 'yes' as never }))).toBe(
      'options.tracking',
    );
    expect(argumentOf(() => new NodeRedisRepository({}).onInvalidate(() => {}))).toBe('options.tracking');
  });

  it('takes only wrapping options next to an existing client', () => {
    const client = { sendCommand() {}, connect() {}, close() {}, on() {}, isOpen: false } as never;
    expect(argumentOf(() => new NodeRedisRepository(client, { host: 'x' } as never))).toBe('options.host');
    expect(argumentOf(() => new NodeRedisRepository({}, { keyPrefix: 'a:' } as never))).toBe(
      'options.keyPrefix',
    );
    const wrapped = new NodeRedisRepository(client, { keyPrefix: 'app:', commandTimeout: '2s' });
    expect(wrapped.keyPrefix).toBe('app:');
    expect(wrapped.config.commandTimeoutMs).toBe(2_000);
    expect(wrapped.status).toBe('disconnected');
  });
});
