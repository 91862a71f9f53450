import { hashSlotOf } from '@forno/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NodeRedisClusterClient } from './node-redis-client.js';
import { ReplicaReadFallback } from './replica-read-fallback.js';

/** A node client whose replies the test decides; it records the commands it was sent. */
function nodeClient(isReady = true) {
  const sent: unknown[][] = [];
  const replies: Array<{ resolve: (value: unknown) => void }> = [];
  return {
    isReady,
    sent,
    replies,
    sendCommand(args: readonly unknown[]) {
      sent.push([...args]);
      return new Promise((resolve) => replies.push({ resolve }));
    },
  };
}

/** Just what the router reads of a node-redis Cluster: the slot map, and `sendCommand` (to the primary). */
function fakeCluster(primary: ReturnType<typeof nodeClient>, replica: ReturnType<typeof nodeClient>) {
  const slots = new Array(16_384);
  slots[hashSlotOf('k')] = {
    master: { address: '127.0.0.1:7000', client: primary },
    replicas: [{ address: '127.0.0.1:7001', client: replica }],
  };
  return {
    _slots: { slots },
    sendCommand: (_key: unknown, isReadonly: boolean, args: unknown[]) => {
      expect(isReadonly, 'reads are routed to the primary by the router itself').toBe(false);
      return primary.sendCommand(args);
    },
  } as unknown as NodeRedisClusterClient;
}

describe('ReplicaReadFallback (readFallback: "replicas") on node-redis', () => {
  let fallback: ReplicaReadFallback;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['performance'] });
    fallback = new ReplicaReadFallback(500);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads from the primary while it is up', () => {
    const primary = nodeClient();
    const replica = nodeClient();
    void fallback.read(fakeCluster(primary, replica), 'k', ['GET', 'k'], undefined);
    expect(primary.sent).toEqual([['GET', 'k']]);
    expect(replica.sent).toEqual([]);
  });

  it('reads from a ready replica while the primary connection is lost, else from the primary', () => {
    const replica = nodeClient();
    void fallback.read(fakeCluster(nodeClient(false), replica), 'k', ['GET', 'k'], undefined);
    expect(replica.sent).toEqual([['GET', 'k']]);
    const down = nodeClient(false);
    void fallback.read(fakeCluster(down, nodeClient(false)), 'k', ['GET', 'k'], undefined);
    expect(down.sent, 'no replica can take it').toEqual([['GET', 'k']]);
  });

  it('avoids a primary whose reads got no answer for the quarantine, until it answers again', async () => {
    const primary = nodeClient();
    const replica = nodeClient();
    const cluster = fakeCluster(primary, replica);
    void fallback.read(cluster, 'k', ['GET', 'k'], undefined);
    vi.advanceTimersByTime(499);
    void fallback.read(cluster, 'k', ['GET', 'k'], undefined);
    expect(primary.sent).toHaveLength(2);
    vi.advanceTimersByTime(1);
    void fallback.read(cluster, 'k', ['GET', 'k'], undefined);
    expect(replica.sent, 'frozen: no answer for 500 ms').toHaveLength(1);
    for (const reply of primary.replies) reply.resolve('v');
    await Promise.resolve();
    await Promise.resolve();
    void fallback.read(cluster, 'k', ['GET', 'k'], undefined);
    expect(primary.sent, 'answering again').toHaveLength(3);
  });
});
