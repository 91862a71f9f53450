import { EventEmitter } from 'node:events';
import type { Cluster, Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReplicaReadFallback } from './replica-read-fallback.js';

/** Just what the router reads of an ioredis connection. */
const node = (port: number, status = 'ready') =>
  ({ status, options: { host: '127.0.0.1', port } }) as unknown as Redis;

/** A routed command whose outcome the test decides. */
function command() {
  let settle!: { resolve: (value: unknown) => void; reject: (error: Error) => void };
  const promise = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });
  return { promise, ...settle };
}

describe('ReplicaReadFallback (readFallback: "replicas")', () => {
  let fallback: ReplicaReadFallback;
  let cluster: EventEmitter;
  const primary = node(7000);
  const replica = node(7001);

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    fallback = new ReplicaReadFallback(500);
    cluster = new EventEmitter();
    fallback.watch(cluster as unknown as Cluster);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads from the primary while it is healthy', () => {
    expect(fallback.select([primary, replica], command())).toBe(primary);
  });

  it('reads from a replica when the primary connection is gone or failing', () => {
    expect(fallback.select([undefined, replica], command())).toBe(replica);
    expect(fallback.select([node(7000, 'reconnecting'), replica], command())).toBe(replica);
    expect(fallback.select([node(7000, 'end'), node(7001, 'wait')], command())).toMatchObject({
      options: { port: 7001 },
    });
  });

  it('keeps the primary when no replica can take the read', () => {
    const down = node(7000, 'reconnecting');
    expect(fallback.select([down], command())).toBe(down);
    expect(fallback.select([down, node(7001, 'connecting')], command())).toBe(down);
  });

  it('avoids a primary ioredis reported an error on, then probes it with one read after the quarantine', async () => {
    cluster.emit('node error', new Error('connect ECONNREFUSED'), '127.0.0.1:7000');
    expect(fallback.select([primary, replica], command())).toBe(replica);
    await vi.advanceTimersByTimeAsync(500);
    const probe = command();
    expect(fallback.select([primary, replica], probe)).toBe(primary);
    expect(fallback.select([primary, replica], command()), 'one probe at a time').toBe(replica);
    probe.resolve('value');
    await vi.advanceTimersByTimeAsync(0);
    expect(fallback.select([primary, replica], command()), 'the primary answered').toBe(primary);
  });

  it('avoids a primary a read timed out on (a frozen server keeps its connection open)', async () => {
    const read = command();
    expect(fallback.select([primary, replica], read)).toBe(primary);
    read.reject(new Error('Command timed out'));
    await vi.advanceTimersByTimeAsync(0);
    expect(fallback.select([primary, replica], command())).toBe(replica);
    await vi.advanceTimersByTimeAsync(500);
    const probe = command();
    expect(fallback.select([primary, replica], probe)).toBe(primary);
    probe.reject(new Error('Command timed out'));
    await vi.advanceTimersByTimeAsync(0);
    expect(fallback.select([primary, replica], command()), 'the probe timed out too').toBe(replica);
  });
});
