import { InvalidConfigError } from '@forno/core';
import { describe, expect, it } from 'vitest';
import { backendFromEnv, describeBackend } from './backend-config.js';

describe('backendFromEnv', () => {
  it('defaults to the in-memory fake', () => {
    expect(backendFromEnv({})).toEqual({ kind: 'memory' });
    expect(backendFromEnv({ REDIS_URL: ' ', REDIS_CLUSTER_NODES: '' })).toEqual({ kind: 'memory' });
  });

  it('runs on the node-redis driver with REDIS_CLIENT=node-redis, on ioredis by default', () => {
    expect(backendFromEnv({ REDIS_URL: 'redis://h:1', REDIS_CLIENT: 'node-redis' })).toEqual({
      kind: 'redis',
      url: 'redis://h:1',
      client: 'node-redis',
    });
    expect(backendFromEnv({ REDIS_CLUSTER_NODES: 'a:1', REDIS_CLIENT: 'node-redis' })).toEqual({
      kind: 'cluster',
      nodes: ['a:1'],
      client: 'node-redis',
    });
    expect(backendFromEnv({ REDIS_URL: 'redis://h:1', REDIS_CLIENT: 'ioredis' })).toEqual({
      kind: 'redis',
      url: 'redis://h:1',
    });
    expect(() => backendFromEnv({ REDIS_URL: 'redis://h:1', REDIS_CLIENT: 'jedis' })).toThrow(/REDIS_CLIENT/);
    expect(describeBackend({ kind: 'redis', url: 'redis://h:1', client: 'node-redis' })).toBe(
      'redis redis://h:1 (node-redis)',
    );
  });

  it('selects Redis with REDIS_URL and a Cluster with REDIS_CLUSTER_NODES', () => {
    expect(backendFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379/2' })).toEqual({
      kind: 'redis',
      url: 'redis://127.0.0.1:6379/2',
    });
    expect(backendFromEnv({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001,' })).toEqual({
      kind: 'cluster',
      nodes: ['10.0.0.1:7000', '10.0.0.2:7001'],
    });
  });

  it('names the variable that is wrong', () => {
    const both = () => backendFromEnv({ REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'b:2' });
    expect(both).toThrow(InvalidConfigError);
    expect(() => backendFromEnv({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
    expect(() => backendFromEnv({ REDIS_CLUSTER_NODES: 'a:1,b' })).toThrow(/REDIS_CLUSTER_NODES\[1\]/);
  });

  it('never shows a password', () => {
    expect(describeBackend({ kind: 'redis', url: 'redis://user:s3cret@host:6379' })).toBe(
      'redis redis://[redacted]@host:6379',
    );
    expect(describeBackend({ kind: 'memory' })).toMatch(/^in-memory/);
  });

  it.each([
    ['a raw @ in the password', 'redis://user:s3c@ret@host:6379', ['s3c', 'ret@host']],
    ['a raw / in the password', 'redis://user:s3c/ret@host:6379', ['s3c', 'ret']],
    ['a password in the query', 'redis://host:6379?password=s3cret', ['s3cret']],
    ['a bare password as the user', 'redis://s3cret@host:6379', ['s3cret']],
    ['a password with ? and #', 'rediss://:s3?c#ret@host:6380/1', ['s3', 'c#ret']],
  ])('never shows a password with %s', (_, url, secrets) => {
    const described = describeBackend({ kind: 'redis', url });
    for (const secret of secrets) expect(described).not.toContain(secret);
    expect(described).toContain('host');
    let refused = '';
    try {
      backendFromEnv({ REDIS_URL: url.replace(/^rediss?/, 'http') });
    } catch (error) {
      refused = String(error);
    }
    expect(refused).toMatch(/REDIS_URL/);
    for (const secret of secrets) expect(refused).not.toContain(secret);
  });
});
