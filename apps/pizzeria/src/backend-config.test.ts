import { InvalidConfigError } from '@forno/core';
import { describe, expect, it } from 'vitest';
import { backendFromEnv, describeBackend } from './backend-config.js';

describe('backendFromEnv', () => {
  it('defaults to the in-memory fake', () => {
    expect(backendFromEnv({})).toEqual({ kind: 'memory' });
    expect(backendFromEnv({ REDIS_URL: ' ', REDIS_CLUSTER_NODES: '' })).toEqual({ kind: 'memory' });
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
      'redis redis://user:***@host:6379',
    );
    expect(describeBackend({ kind: 'memory' })).toMatch(/^in-memory/);
  });
});
