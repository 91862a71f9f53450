import diagnostics from 'node:diagnostics_channel';
import type { CacheRepository, LockBackend } from '@forno/core';
import type { RedisRepositoryConfig } from '@forno/core/backend';
import { JsonSerializer } from '@forno/serialization';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRepository } from './redis-repository.js';

let server: RedisServer;
let repo: RedisRepository;
let commandsSent = 0;
const countCommand = () => {
  commandsSent++;
};

beforeAll(async () => {
  server = await startRedisServer();
  repo = new RedisRepository({ port: server.port, keyPrefix: 'bad-input:', healthCheckInterval: false });
  await repo.connect();
  diagnostics.subscribe('tracing:ioredis:command:start', countCommand);
});

afterAll(async () => {
  diagnostics.unsubscribe('tracing:ioredis:command:start', countCommand);
  await repo?.disconnect();
  await server?.stop();
});

const circular: Record<string, unknown> = {};
circular.self = circular;

type Call = (r: CacheRepository & LockBackend) => Promise<unknown> | AsyncIterable<unknown>;

const BAD_CALLS: Array<[label: string, call: Call, code: string, argument?: string]> = [
  ['empty key', (r) => r.get(''), 'E_INVALID_ARGUMENT', 'key'],
  ['non-string key', (r) => r.set(42 as never, 1), 'E_INVALID_ARGUMENT', 'key'],
  ['undefined key in mget', (r) => r.mget(['a', undefined as never]), 'E_INVALID_ARGUMENT', 'keys[]'],
  ['null key in delete', (r) => r.delete('a', null as never), 'E_INVALID_ARGUMENT', 'keys[]'],
  ['NaN ttl', (r) => r.set('k', 1, { ttl: Number.NaN }), 'E_INVALID_ARGUMENT', 'options.ttl'],
  ['negative ttl', (r) => r.set('k', 1, { ttl: -1 }), 'E_INVALID_ARGUMENT', 'options.ttl'],
  ['zero ttl', (r) => r.expire('k', 0), 'E_INVALID_ARGUMENT', 'ttl'],
  ['Infinity ttl', (r) => r.expire('k', Number.POSITIVE_INFINITY), 'E_INVALID_ARGUMENT', 'ttl'],
  [
    'unparseable ttl',
    (r) => r.set('k', 1, { ttl: '5 minutes' as never }),
    'E_INVALID_ARGUMENT',
    'options.ttl',
  ],
  ['unknown option', (r) => r.set('k', 1, { tll: '1h' } as never), 'E_INVALID_ARGUMENT', 'options.tll'],
  ['nx with xx', (r) => r.set('k', 1, { nx: true, xx: true }), 'E_INVALID_ARGUMENT', 'options'],
  ['top-level undefined', (r) => r.set('k', undefined), 'E_SERIALIZATION'],
  ['circular value', (r) => r.hset('h', 'f', circular), 'E_SERIALIZATION'],
  ['function member', (r) => r.sadd('s', () => 1), 'E_SERIALIZATION'],
  ['fractional increment', (r) => r.incrby('n', 0.5), 'E_INVALID_ARGUMENT', 'increment'],
  [
    'NaN score',
    (r) => r.zadd('z', { member: 'm', score: Number.NaN }),
    'E_INVALID_ARGUMENT',
    'entries[0].score',
  ],
  ['bad score bound', (r) => r.zrangebyscore('z', '5)' as never, 10), 'E_INVALID_ARGUMENT', 'min'],
  ['fractional range', (r) => r.lrange('l', 0, 1.5), 'E_INVALID_ARGUMENT', 'stop'],
  ['zero pop count', (r) => r.zpopmax('z', 0), 'E_INVALID_ARGUMENT', 'count'],
  ['empty sadd', (r) => r.sadd('s'), 'E_INVALID_ARGUMENT', 'members'],
  ['empty sinter', (r) => r.sinter([]), 'E_INVALID_ARGUMENT', 'keys'],
  ['empty lock token', (r) => r.setIfAbsent('lock', '', '10s'), 'E_INVALID_ARGUMENT', 'token'],
  ['empty pattern', (r) => r.deletePattern(''), 'E_INVALID_ARGUMENT', 'pattern'],
  ['zero scan count', (r) => r.scan('*', { count: 0 }), 'E_INVALID_ARGUMENT', 'options.count'],
  ['flushdb not allowed', (r) => r.flushdb(), 'E_FORBIDDEN_OPERATION'],
];

async function settle(result: Promise<unknown> | AsyncIterable<unknown>): Promise<unknown> {
  if (Symbol.asyncIterator in result) {
    for await (const _ of result) {
      // drain
    }
    return undefined;
  }
  return result;
}

describe('bad input never reaches Redis', () => {
  it('the command counter sees a valid command', async () => {
    const before = commandsSent;
    await repo.get('valid');
    expect(commandsSent).toBe(before + 1);
  });

  for (const [label, call, code, argument] of BAD_CALLS) {
    it(`${label} → ${code}`, async () => {
      const before = commandsSent;
      const expected: Record<string, unknown> = { code };
      if (argument !== undefined) expected.argument = argument;
      await expect(settle(call(repo))).rejects.toMatchObject(expected);
      expect(commandsSent, 'commands sent').toBe(before);
    });
  }
});

const BAD_CONFIGS: Array<[config: unknown, field: string]> = [
  [{ port: 0 }, 'port'],
  [{ port: 70_000 }, 'port'],
  [{ port: '6379' }, 'port'],
  [{ db: -1 }, 'db'],
  [{ db: 1.5 }, 'db'],
  [{ host: '' }, 'host'],
  [{ url: 'http://localhost:6379' }, 'url'],
  [{ url: 'not a url' }, 'url'],
  [{ url: 'redis://localhost:6379/x' }, 'url'],
  [{ url: 'redis://localhost:6379', host: 'localhost' }, 'url'],
  [{ keyPrefix: 5 }, 'keyPrefix'],
  [{ connectionPoolSize: 0 }, 'connectionPoolSize'],
  [{ healthCheckInterval: '5 minutes' }, 'healthCheckInterval'],
  [{ healthCheckInterval: 10 }, 'healthCheckInterval'],
  [{ commandTimeout: 0 }, 'commandTimeout'],
  [{ commandTimeout: Number.NaN }, 'commandTimeout'],
  [{ connectTimeout: -5 }, 'connectTimeout'],
  [{ retryPolicy: { retries: -1 } }, 'retryPolicy.retries'],
  [{ retryPolicy: { tries: 3 } }, 'retryPolicy.tries'],
  [{ retryPolicy: { backoffFactor: 0.5 } }, 'retryPolicy.backoffFactor'],
  [{ retryPolicy: { retryDelay: '2s', maxRetryDelay: '1s' } }, 'retryPolicy.maxRetryDelay'],
  [{ cluster: { nodes: [] } }, 'cluster.nodes'],
  [{ cluster: { nodes: ['localhost'] } }, 'cluster.nodes[0]'],
  [{ cluster: { nodes: ['h:1'], scaleReads: 'any' } }, 'cluster.scaleReads'],
  [{ cluster: { nodes: ['h:1'], readFallback: 'replica' } }, 'cluster.readFallback'],
  [{ cluster: { nodes: ['h:1'], scaleReads: 'slave', readFallback: 'replicas' } }, 'cluster.readFallback'],
  [{ cluster: { nodes: ['h:1'], scaleread: 'slave' } }, 'cluster.scaleread'],
  [{ sentinel: { sentinels: [], name: 'mymaster' } }, 'sentinel.sentinels'],
  [{ sentinel: { sentinels: ['h:26379'] } }, 'sentinel.name'],
  [{ cluster: { nodes: ['h:1'] }, sentinel: { sentinels: ['h:2'], name: 'm' } }, 'cluster'],
  [{ tls: 'yes' }, 'tls'],
  [{ tls: { verify: false } }, 'tls.verify'],
  [{ serializer: {} }, 'serializer'],
  [{ enableMetrics: 'true' }, 'enableMetrics'],
  [{ keyprefix: 'typo:' }, 'keyprefix'],
];

describe('invalid configuration fails in the constructor with E_INVALID_CONFIG naming options.<field>', () => {
  for (const [config, field] of BAD_CONFIGS) {
    it(`${JSON.stringify(config)} → ${field}`, () => {
      const before = commandsSent;
      expect(() => new RedisRepository(config as RedisRepositoryConfig)).toThrow(
        expect.objectContaining({ code: 'E_INVALID_CONFIG', argument: `options.${field}` }),
      );
      expect(commandsSent).toBe(before);
    });
  }

  it('valid configurations are accepted, url fields included', () => {
    const fromUrl = new RedisRepository({
      url: 'rediss://user:p%40ss@cache.example:6380/3',
      healthCheckInterval: false,
    });
    expect(fromUrl.config).toMatchObject({
      host: 'cache.example',
      port: 6380,
      db: 3,
      username: 'user',
      password: 'p@ss',
      tls: {},
      commandTimeoutMs: 1_000,
    });
    const withSerializer = new RedisRepository({ serializer: new JsonSerializer(), connectionPoolSize: 4 });
    expect(withSerializer.config.connectionPoolSize).toBe(4);
    const withReadFallback = new RedisRepository({
      cluster: { nodes: ['h:1'], readFallback: 'replicas' },
      healthCheckInterval: false,
    });
    expect(withReadFallback.config.cluster).toMatchObject({ scaleReads: 'master', readFallback: 'replicas' });
    expect(new RedisRepository({ cluster: { nodes: ['h:1'] } }).config.cluster?.readFallback).toBe('none');
  });
});
