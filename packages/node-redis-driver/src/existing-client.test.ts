/**
 * `new NodeRedisRepository(client, options)` takes a plain `createClient()`, `createCluster()` or
 * `createSentinel()` result — of `@redis/client` or of the `redis` package (with its modules), any
 * RESP version — with no type annotation: this file must type-check (`pnpm typecheck`), and each
 * repository must see the topology of the client it wraps. Nothing connects.
 */

import { JsonSerializer } from '@forno/serialization';
import {
  createClient as createBareClient,
  createCluster as createBareCluster,
  createSentinel as createBareSentinel,
} from '@redis/client';
import { createClient, createCluster, createSentinel } from 'redis';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { NodeRedisRepository } from './node-redis-repository.js';

const url = 'redis://127.0.0.1:1';
const options = { keyPrefix: 'app:', serializer: new JsonSerializer() };
const sentinelOptions = { name: 'mymaster', sentinelRootNodes: [{ host: '127.0.0.1', port: 1 }] };

describe('wrapping an existing node-redis client needs no type annotation', () => {
  it.each([
    ['@redis/client createClient()', () => createBareClient({ url })],
    ['@redis/client createClient({ RESP: 3 })', () => createBareClient({ url, RESP: 3 })],
    ['redis createClient() (with its modules)', () => createClient({ url })],
  ])('%s: a standalone repository', (_, create) => {
    const redis = new NodeRedisRepository(create(), options);
    expectTypeOf(redis).toEqualTypeOf<NodeRedisRepository>();
    expect(redis.isCluster).toBe(false);
    expect(redis.status).toBe('disconnected');
    expect(redis.keyPrefix).toBe('app:');
  });

  it.each([
    ['@redis/client createCluster()', () => createBareCluster({ rootNodes: [{ url }] })],
    ['redis createCluster() (with its modules)', () => createCluster({ rootNodes: [{ url }] })],
  ])('%s: a Cluster repository', (_, create) => {
    const redis = new NodeRedisRepository(create(), options);
    expect(redis.isCluster).toBe(true);
    expect(redis.status).toBe('disconnected');
  });

  it.each([
    ['@redis/client createSentinel()', () => createBareSentinel(sentinelOptions)],
    ['redis createSentinel() (with its modules)', () => createSentinel(sentinelOptions)],
  ])('%s: a Sentinel repository', (_, create) => {
    const redis = new NodeRedisRepository(create(), options);
    expect(redis.isCluster).toBe(false);
    expect(redis.status).toBe('disconnected');
  });

  it('rejects options that only a repository creating its own connections takes', () => {
    expect(() => new NodeRedisRepository(createBareClient({ url }), { tracking: true } as never)).toThrow(
      /options\.tracking/,
    );
  });
});
