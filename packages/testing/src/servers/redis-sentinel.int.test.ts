import { afterAll, describe, expect, it } from 'vitest';
import { type RedisSentinel, startRedisSentinel } from './redis-sentinel.js';
import type { RedisServer } from './redis-server.js';

async function roleOf(server: RedisServer): Promise<unknown> {
  const reply = await server.command(['ROLE']);
  return Array.isArray(reply) ? reply[0] : reply;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startRedisSentinel', () => {
  let deployment: RedisSentinel | undefined;

  afterAll(async () => {
    await deployment?.stop();
  });

  it('starts 1 primary + 1 replica + 3 sentinels, and fails over to the replica', async () => {
    const startedAt = performance.now();
    deployment = await startRedisSentinel({ replicas: 1, sentinels: 3 });
    console.info(`sentinel deployment ready in ${Math.round(performance.now() - startedAt)} ms`);
    const { primary, replicas, sentinels } = deployment;
    const replica = replicas[0]!;

    expect(deployment.masterName).toBe('mymaster');
    expect(replicas).toHaveLength(1);
    expect(sentinels).toHaveLength(3);
    expect(deployment.sentinelAddresses).toEqual(sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })));
    const ports = [primary, replica, ...sentinels].map((server) => server.port);
    expect(new Set(ports).size).toBe(5);
    expect(ports).not.toContain(6379);

    expect(await deployment.currentPrimary()).toEqual({ host: '127.0.0.1', port: primary.port });
    expect(await primary.command(['SET', 'topping', 'basil'])).toBe('OK');
    await expect.poll(() => replica.command(['GET', 'topping']), { timeout: 10_000 }).toBe('basil');

    const failoverStartedAt = performance.now();
    const promoted = await deployment.failover();
    console.info(`sentinel failover completed in ${Math.round(performance.now() - failoverStartedAt)} ms`);

    expect(promoted).toEqual({ host: '127.0.0.1', port: replica.port });
    expect(await deployment.currentPrimary()).toEqual(promoted);
    expect(deployment.serverAt(promoted)).toBe(replica);
    expect(await replica.command(['ROLE'])).toMatchObject(['master', expect.any(Number), expect.any(Array)]);
    const oldPrimaryRole = await primary.command(['ROLE']);
    expect(Array.isArray(oldPrimaryRole) && oldPrimaryRole.slice(0, 4)).toEqual([
      'slave',
      '127.0.0.1',
      replica.port,
      'connected',
    ]);
    expect(await replica.command(['GET', 'topping'])).toBe('basil');
    expect(await replica.command(['SET', 'topping', 'oregano'])).toBe('OK');
    await deployment.waitUntilHealthy();
  });

  it('fails over on its own when the primary crashes, and stops everything', async () => {
    if (deployment === undefined) throw new Error('needs the deployment of the previous test');
    const { primary, replicas, sentinels } = deployment;
    const replica = replicas[0]!;
    const current = await deployment.currentPrimary();
    const [crashed, survivor] = current.port === replica.port ? [replica, primary] : [primary, replica];

    const crashedAt = performance.now();
    await crashed.kill();
    await expect
      .poll(() => deployment?.currentPrimary(), { timeout: 45_000, interval: 200 })
      .toEqual({ host: '127.0.0.1', port: survivor.port });
    console.info(`automatic failover after a crash took ${Math.round(performance.now() - crashedAt)} ms`);
    await expect.poll(() => roleOf(survivor), { timeout: 10_000 }).toBe('master');

    const pids = [primary, replica, ...sentinels].map((server) => server.pid);
    await deployment.stop();
    expect([primary, replica, ...sentinels].some((server) => server.running)).toBe(false);
    expect(pids.filter(isAlive)).toEqual([]);
  });
});
