import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RedisRepositoryConfig } from '@forno/core/backend';
import {
  findFreePort,
  generateTlsCertificates,
  type RedisServer,
  startRedisServer,
  type TlsCertificates,
} from '@forno/testing/servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRepository } from './redis-repository.js';

/**
 * Connections that can never succeed as configured: a server with `requirepass`, an ACL user and a
 * TLS port whose certificates are generated here. Each must fail fast with a typed error that says
 * why, stop reconnecting, report unhealthy, disconnect at once, and let the process exit.
 */
const PASSWORD = 'pw-for-connection-failure-tests';
let certs: TlsCertificates;
let tlsPort: number;
let server: RedisServer;

beforeAll(async () => {
  certs = await generateTlsCertificates();
  tlsPort = await findFreePort();
  server = await startRedisServer({
    password: PASSWORD,
    args: [...certs.tlsArgs(tlsPort), '--user', 'alice', 'on', '>alice-pw', '~*', '+@all'],
  });
});

afterAll(async () => {
  await server?.stop();
  await certs?.remove();
});

async function connectionsReceived(): Promise<number> {
  const info = String(await server.command(['INFO', 'stats']));
  return Number(/total_connections_received:(\d+)/.exec(info)?.[1]);
}

const BASE = { commandTimeout: '5s', connectTimeout: '5s', healthCheckInterval: '30s' } as const;

const PERMANENT: Array<[string, () => RedisRepositoryConfig, string, string]> = [
  ['a wrong password', () => ({ port: server.port, password: 'wrong' }), 'E_CACHE_AUTH', 'WRONGPASS'],
  [
    'an unknown ACL user',
    () => ({ port: server.port, username: 'bob', password: 'x' }),
    'E_CACHE_AUTH',
    'WRONGPASS',
  ],
  ['no password where one is required', () => ({ port: server.port }), 'E_CACHE_AUTH', 'NOAUTH'],
  [
    'a certificate signed by a CA the client does not trust',
    () => ({ port: tlsPort, password: PASSWORD, tls: true }),
    'E_CACHE_TLS',
    'SELF_SIGNED_CERT_IN_CHAIN',
  ],
  [
    'a certificate for another host name',
    () => ({
      host: '127.0.0.1',
      port: tlsPort,
      password: PASSWORD,
      tls: { ca: certs.ca, servername: 'cache.example' },
    }),
    'E_CACHE_TLS',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ],
  ['plaintext to a TLS port', () => ({ port: tlsPort, password: PASSWORD }), 'E_CACHE_TLS', 'TLS_EXPECTED'],
];

describe('permanent connection failures', () => {
  it.each(PERMANENT)(
    '%s: a typed error saying why, unhealthy, fast disconnect',
    async (_, config, code, reason) => {
      const repo = new RedisRepository({ ...BASE, ...config() });
      const error = await repo.connect().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code, reason });
      expect(String((error as Error).message)).not.toMatch(/Connection is closed/);
      expect(repo.health).toMatchObject({ healthy: false, error: { code } });
      // Commands fail at once with the same reason instead of "Connection is closed".
      await expect(repo.get('k')).rejects.toMatchObject({ code, reason });
      const started = performance.now();
      await repo.disconnect();
      expect(performance.now() - started).toBeLessThan(1_000);
    },
  );

  it('none of them retries in a loop (ioredis alone reconnects about twice a second)', async () => {
    const repos = PERMANENT.map(([, config]) => new RedisRepository({ ...BASE, ...config() }));
    await Promise.all(repos.map((repo) => repo.connect().catch(() => undefined)));
    // The pub/sub connection, opened on demand, must not start a loop of its own either.
    for (const repo of repos) {
      await expect(repo.subscribe('news', () => {})).rejects.toMatchObject({ code: /E_CACHE_(AUTH|TLS)/ });
    }
    const before = await connectionsReceived();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    // Our own INFO probe is the only new connection.
    expect((await connectionsReceived()) - before).toBe(1);
    await Promise.all(repos.map((repo) => repo.disconnect()));
  });

  it('the right credentials and CA still connect (ACL user, requirepass, TLS)', async () => {
    for (const config of [
      { port: server.port, username: 'alice', password: 'alice-pw' },
      { port: server.port, password: PASSWORD },
      { port: tlsPort, password: PASSWORD, tls: { ca: certs.ca } },
      { url: `rediss://:${PASSWORD}@localhost:${tlsPort}`, tls: { ca: certs.ca } },
    ] satisfies RedisRepositoryConfig[]) {
      const repo = new RedisRepository({ ...BASE, ...config });
      await repo.connect();
      expect(await repo.set('k', 1)).toBe(true);
      expect(repo.health.healthy).toBe(true);
      await repo.disconnect();
      expect(repo.health.healthy).toBe(false);
    }
  });

  it('connect() again retries once, and succeeds if the cause was fixed on the server', async () => {
    await server.command(['ACL', 'SETUSER', 'carol', 'off', '>carol-pw', '~*', '+@all']);
    const repo = new RedisRepository({ ...BASE, port: server.port, username: 'carol', password: 'carol-pw' });
    await expect(repo.connect()).rejects.toMatchObject({ code: 'E_CACHE_AUTH' });
    await server.command(['ACL', 'SETUSER', 'carol', 'on']);
    await repo.connect();
    expect(await repo.set('k', 1)).toBe(true);
    expect(repo.health.healthy).toBe(true);
    await repo.disconnect();
  });

  it('a client passed in keeps its own retry options: the failure is reported, the client not stopped', async () => {
    const client = new Redis({
      port: server.port,
      password: 'wrong',
      lazyConnect: true,
      retryStrategy: () => 200,
    });
    const repo = new RedisRepository(client);
    await client.connect().catch(() => undefined);
    const deadline = Date.now() + 5_000;
    while (repo.health.error === undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(repo.health).toMatchObject({ healthy: false, error: { code: 'E_CACHE_AUTH' } });
    expect(client.status).not.toBe('end');
    client.disconnect();
  });

  it('health is not healthy before the first connection', () => {
    const repo = new RedisRepository({ ...BASE, port: server.port, password: PASSWORD });
    expect(repo.health.healthy).toBe(false);
    const unchecked = new RedisRepository({ ...BASE, port: server.port, healthCheckInterval: false });
    expect(unchecked.health.healthy).toBe(false);
  });
});

describe('a process whose connect() failed', () => {
  const run = promisify(execFile);
  const driver = fileURLToPath(new URL('../dist/index.js', import.meta.url));

  /** Runs a child that connects with `config`, prints the error code and returns without disconnecting. */
  async function childExit(config: RedisRepositoryConfig): Promise<{ stdout: string; ms: number }> {
    const script = `
      const { RedisRepository } = await import(${JSON.stringify(driver)});
      const repo = new RedisRepository(${JSON.stringify(config)});
      await repo.connect().then(() => console.log('connected'), (e) => console.log(e.code));
    `;
    const started = performance.now();
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 20_000,
    });
    return { stdout: stdout.trim(), ms: performance.now() - started };
  }

  it('exits by itself without disconnect(): wrong password, and server down', async () => {
    const down = await findFreePort();
    const [auth, refused] = await Promise.all([
      childExit({ port: server.port, password: 'wrong', connectTimeout: '5s' }),
      childExit({ port: down, connectTimeout: '5s' }),
    ]);
    expect(auth.stdout).toBe('E_CACHE_AUTH');
    expect(refused.stdout).toBe('E_CACHE_UNAVAILABLE');
    // Well before the 20 s kill timeout of execFile (a live reconnect loop never exits).
    expect(auth.ms).toBeLessThan(10_000);
    expect(refused.ms).toBeLessThan(10_000);
  });
});
