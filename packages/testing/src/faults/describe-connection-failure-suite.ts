import { execFile } from 'node:child_process';
import { inspect, promisify } from 'node:util';
import type { Duration } from '@forno/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractRepository } from '../contract/contract-context.js';
import { findFreePort } from '../servers/free-port.js';
import { type RedisServer, startRedisServer } from '../servers/redis-server.js';
import { generateTlsCertificates, type TlsCertificates } from '../servers/tls-certificates.js';

/** The part of a Redis driver's configuration this suite sets (`RedisRepositoryConfig` fits). */
export interface ConnectionFailureConfig {
  readonly host?: string;
  readonly port?: number;
  readonly url?: string;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: true | { readonly ca?: string; readonly servername?: string };
  readonly commandTimeout?: Duration;
  readonly connectTimeout?: Duration;
  readonly healthCheckInterval?: Duration | false;
}

/** What the suite needs of the repository: the contract plus `health`. */
export interface HealthReportingRepository extends ContractRepository {
  readonly health: { readonly healthy: boolean; readonly error: Error | undefined };
}

/** Options of {@link describeConnectionFailureSuite}. */
export interface ConnectionFailureSuiteOptions {
  /** Creates a repository (not connected) from a driver configuration. */
  createRepository(config: ConnectionFailureConfig): HealthReportingRepository;
  /**
   * The built driver (`import.meta.resolve`-able path or URL of its `dist/index.js`) and the name of
   * its repository class: a child process connects with a wrong password, and with the server
   * down, and must exit by itself.
   */
  readonly childProcess?: { readonly module: string; readonly className: string };
}

/** Distinctive secrets, so a leak into any message or cause is found by a plain search. */
const PASSWORD = 'requirepass-secret-5d1e';
const USER_PASSWORD = 'alice-secret-8c2b';
const WRONG_PASSWORD = 'wrong-secret-71fa';
const SECRETS = [PASSWORD, USER_PASSWORD, WRONG_PASSWORD];
const BASE = { commandTimeout: '5s', connectTimeout: '5s', healthCheckInterval: '30s' } as const;

/** Everything an error prints: message, cause chain, own properties (what a log line may show). */
const printed = (error: unknown) => `${String((error as Error)?.message)}\n${inspect(error, { depth: 10 })}`;

/**
 * Registers the tests of connections that can never work as configured — a wrong password, an
 * unknown ACL user, no password where one is required, a certificate from an untrusted CA or for
 * another host name, plaintext to a TLS port — against a `requirepass` server with an ACL user and
 * a TLS port (certificates generated here). Each must reject `connect()` and commands fast with a
 * typed `CacheAuthError` (`E_CACHE_AUTH`) or `CacheTlsError` (`E_CACHE_TLS`) whose `reason` says
 * why, print no secret, report unhealthy, stop reconnecting, and disconnect at once; the right
 * credentials must still connect, and `connect()` again must pick up a fix on the server. Every
 * Redis driver runs the same suite.
 */
export function describeConnectionFailureSuite(name: string, options: ConnectionFailureSuiteOptions): void {
  describe(`connections that can never work as configured: ${name}`, () => {
    let certs: TlsCertificates;
    let tlsPort: number;
    let server: RedisServer;

    beforeAll(async () => {
      certs = await generateTlsCertificates();
      tlsPort = await findFreePort();
      server = await startRedisServer({
        password: PASSWORD,
        args: [...certs.tlsArgs(tlsPort), '--user', 'alice', 'on', `>${USER_PASSWORD}`, '~*', '+@all'],
      });
    });

    afterAll(async () => {
      await server?.stop();
      await certs?.remove();
    });

    const connectionsReceived = async () =>
      Number(/total_connections_received:(\d+)/.exec(String(await server.command(['INFO', 'stats'])))?.[1]);

    const PERMANENT: Array<[string, () => ConnectionFailureConfig, string, string]> = [
      [
        'a wrong password',
        () => ({ port: server.port, password: WRONG_PASSWORD }),
        'E_CACHE_AUTH',
        'WRONGPASS',
      ],
      [
        'an unknown ACL user',
        () => ({ port: server.port, username: 'bob', password: WRONG_PASSWORD }),
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
      [
        'plaintext to a TLS port',
        () => ({ port: tlsPort, password: PASSWORD }),
        'E_CACHE_TLS',
        'TLS_EXPECTED',
      ],
    ];

    it.each(PERMANENT)(
      '%s: a typed error saying why, no secret printed, unhealthy, fast disconnect',
      async (_, config, code, reason) => {
        const repo = options.createRepository({ ...BASE, ...config() });
        const error = await repo.connect().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ code, reason });
        for (const secret of SECRETS) expect(printed(error)).not.toContain(secret);
        expect(repo.health).toMatchObject({ healthy: false, error: { code } });
        // Commands fail at once with the same reason.
        const started = performance.now();
        const commandError = await repo.get('k').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(commandError).toMatchObject({ code, reason });
        expect(performance.now() - started, 'without waiting for commandTimeout').toBeLessThan(1_000);
        for (const secret of SECRETS) expect(printed(commandError)).not.toContain(secret);
        const closing = performance.now();
        await repo.disconnect();
        expect(performance.now() - closing).toBeLessThan(1_000);
      },
    );

    it('none of them retries in a loop, pub/sub included', async () => {
      const repos = PERMANENT.map(([, config]) => options.createRepository({ ...BASE, ...config() }));
      await Promise.all(repos.map((repo) => repo.connect().catch(() => undefined)));
      for (const repo of repos) {
        await expect(repo.subscribe('news', () => {})).rejects.toMatchObject({ code: /E_CACHE_(AUTH|TLS)/ });
      }
      const before = await connectionsReceived();
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      // Our own INFO probe is the only new connection.
      expect((await connectionsReceived()) - before).toBe(1);
      await Promise.all(repos.map((repo) => repo.disconnect()));
    });

    it('the right credentials and CA still connect (ACL user, requirepass, TLS, rediss:// url)', async () => {
      const configs: ConnectionFailureConfig[] = [
        { port: server.port, username: 'alice', password: USER_PASSWORD },
        { port: server.port, password: PASSWORD },
        { port: tlsPort, password: PASSWORD, tls: { ca: certs.ca } },
        { url: `rediss://:${PASSWORD}@localhost:${tlsPort}`, tls: { ca: certs.ca } },
      ];
      for (const config of configs) {
        const repo = options.createRepository({ ...BASE, ...config });
        await repo.connect();
        expect(await repo.set('k', 1)).toBe(true);
        expect(repo.health.healthy).toBe(true);
        await repo.disconnect();
        expect(repo.health.healthy).toBe(false);
      }
    });

    it('connect() again retries once, and succeeds if the cause was fixed on the server', async () => {
      await server.command(['ACL', 'SETUSER', 'carol', 'off', `>${USER_PASSWORD}`, '~*', '+@all']);
      const repo = options.createRepository({
        ...BASE,
        port: server.port,
        username: 'carol',
        password: USER_PASSWORD,
      });
      await expect(repo.connect()).rejects.toMatchObject({ code: 'E_CACHE_AUTH' });
      await server.command(['ACL', 'SETUSER', 'carol', 'on']);
      await repo.connect();
      expect(await repo.set('k', 1)).toBe(true);
      expect(repo.health.healthy).toBe(true);
      await repo.disconnect();
    });

    const child = options.childProcess;
    if (child !== undefined) {
      it('a process whose connect() failed exits by itself without disconnect(): wrong password, and server down', async () => {
        const run = promisify(execFile);
        const childExit = async (config: ConnectionFailureConfig) => {
          const script = `
            const { ${child.className} } = await import(${JSON.stringify(child.module)});
            const repo = new ${child.className}(${JSON.stringify(config)});
            await repo.connect().then(() => console.log('connected'), (e) => console.log(e.code));
          `;
          const started = performance.now();
          const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
            timeout: 20_000,
          });
          return { stdout: stdout.trim(), ms: performance.now() - started };
        };
        const down = await findFreePort();
        const [auth, refused] = await Promise.all([
          childExit({ port: server.port, password: WRONG_PASSWORD, connectTimeout: '5s' }),
          childExit({ port: down, connectTimeout: '5s' }),
        ]);
        expect(auth.stdout).toBe('E_CACHE_AUTH');
        expect(refused.stdout).toBe('E_CACHE_UNAVAILABLE');
        // Well before the 20 s kill timeout of execFile (a live reconnect loop never exits).
        expect(auth.ms).toBeLessThan(10_000);
        expect(refused.ms).toBeLessThan(10_000);
      });
    }
  });
}
