import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { parseClusterNodes } from './cluster-nodes.js';
import { type RedisCluster, startRedisCluster } from './redis-cluster.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startRedisCluster', () => {
  let cluster: RedisCluster | undefined;
  let client: Cluster | undefined;

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  it('starts a 3+3 cluster, writes keys to every slot range and stops it', async () => {
    const startedAt = performance.now();
    cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
    const startupMs = Math.round(performance.now() - startedAt);
    console.info(`3+3 cluster converged in ${startupMs} ms`);

    expect(cluster.nodes).toHaveLength(6);
    expect(new Set(cluster.startupNodes.map((node) => node.port)).size).toBe(6);
    expect(cluster.startupNodes.map((node) => node.port)).not.toContain(6379);

    // roles: 3 primaries, each followed by exactly one replica
    const primaries = await cluster.primaries();
    const replicas = await cluster.replicas();
    expect(primaries).toHaveLength(3);
    expect(replicas).toHaveLength(3);
    const entries = parseClusterNodes(String(await cluster.nodes[0]?.command(['CLUSTER', 'NODES'])));
    for (const primary of entries.filter((entry) => entry.role === 'primary')) {
      expect(entries.filter((entry) => entry.primaryId === primary.id)).toHaveLength(1);
    }

    // one hash-tagged key per primary: find tags whose slot falls in each primary's range
    const ranges = entries
      .filter((entry) => entry.role === 'primary')
      .map((entry) => ({ port: entry.port, slots: entry.slots }));
    const keyFor = new Map<number, string>();
    const probe = cluster.nodes[0]!;
    for (let tag = 0; keyFor.size < ranges.length && tag < 1_000; tag++) {
      const key = `forno:{${tag}}:value`;
      const slot = Number(await probe.command(['CLUSTER', 'KEYSLOT', key]));
      const owner = ranges.find((range) => range.slots.some(([from, to]) => slot >= from && slot <= to));
      if (owner !== undefined && !keyFor.has(owner.port)) keyFor.set(owner.port, key);
    }
    expect(keyFor.size).toBe(3);

    client = new Cluster([...cluster.startupNodes], {
      lazyConnect: false,
      enableOfflineQueue: true,
      clusterRetryStrategy: () => null,
      redisOptions: { connectTimeout: 5_000, maxRetriesPerRequest: 2 },
    });
    for (const [port, key] of keyFor) await client.set(key, `on ${port}`);
    for (const [port, key] of keyFor) expect(await client.get(key)).toBe(`on ${port}`);
    expect(client.nodes('master')).toHaveLength(3);

    // each key really lives on the primary that owns its slot, not elsewhere
    for (const primary of primaries) {
      const key = keyFor.get(primary.port)!;
      expect(await primary.command(['GET', key])).toBe(`on ${primary.port}`);
      expect(await primary.command(['DBSIZE'])).toBe(1);
    }

    await client.quit();
    client = undefined;

    const pids = cluster.nodes.map((node) => node.pid);
    await cluster.stop();
    expect(cluster.nodes.every((node) => !node.running)).toBe(true);
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('promotes a replica when a primary is killed, and takes the restarted node back', async () => {
    cluster = await startRedisCluster();
    const [victim] = await cluster.primaries();
    if (victim === undefined) throw new Error('no primary');
    const entries = parseClusterNodes(String(await victim.command(['CLUSTER', 'NODES'])));
    const victimId = entries.find((entry) => entry.flags.includes('myself'))?.id;
    const heir = entries.find((entry) => entry.primaryId === victimId);
    if (heir === undefined) throw new Error('the primary has no replica');

    await victim.kill();
    await expect
      .poll(async () => (await cluster?.primaries())?.map((node) => node.port), {
        timeout: 45_000,
        interval: 250,
      })
      .toContain(heir.port);

    await victim.restart(); // same port and nodes.conf: it rejoins as a replica of its heir
    await cluster.waitUntilHealthy(60_000);
    expect((await cluster.replicas()).map((node) => node.port)).toContain(victim.port);
    expect(await cluster.primaries()).toHaveLength(3);
  });
});
