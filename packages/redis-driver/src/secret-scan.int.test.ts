import { inspect } from 'node:util';
import { redactUrl } from '@forno/core';
import type { RedisRepositoryConfig } from '@forno/core/backend';
import { registerPrometheusMetrics } from '@forno/metrics/prometheus';
import { CircuitBreakerPolicy, ResilientCacheRepository } from '@forno/resilience';
import {
  findFreePort,
  generateTlsCertificates,
  type RedisServer,
  startRedisServer,
  type TlsCertificates,
} from '@forno/testing/servers';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisRepository } from './redis-repository.js';

/**
 * The secret scan: scenarios configured with known secrets — a `requirepass` password, an ACL user
 * and its password, a Sentinel password, a TLS private key as PEM text and as a Buffer, URLs with
 * passwords — including the paths that fail (wrong passwords, an untrusted certificate, bad URLs).
 * Everything they produce is collected: error messages with their causes (every property, as
 * deep as it goes), console and stdout/stderr output, health states, performance summaries,
 * connection and operation events, Prometheus metrics (labels included), and `inspect`/JSON output
 * of the repositories and their configuration. None of it may contain any secret.
 */
const PASSWORD = 'Requirepass-Secret-7f3a';
const ACL_USER = 'acl-user-secret-c41d';
const ACL_PASSWORD = 'Acl-Password-Secret-9b2e';
const SENTINEL_USER = 'sentinel-user-secret-5e70';
const SENTINEL_PASSWORD = 'Sentinel-Password-Secret-0d8c';
const WRONG_PASSWORD = 'Wrong-Password-Secret-61aa';
const URL_PASSWORD = 'Url/Password@Secret-3c2f'; // raw "/" and "@": the hardest to redact
const STORED_VALUE = 'stored-value-secret-88e1';

let certs: TlsCertificates;
let tlsPort: number;
let server: RedisServer;
/** The secrets, and the forms they could take when printed (a Buffer key is shown as hex bytes). */
let secrets: string[];

const collected: string[] = [];
const deep = (value: unknown) => inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true });

/** Records an error in every form a logger could print it. */
function collectError(error: unknown): void {
  collected.push(String(error), deep(error), safeJson(error));
  for (let cause = (error as Error | undefined)?.cause; cause !== undefined; ) {
    collected.push(String(cause), deep(cause));
    cause = (cause as Error).cause;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** Runs `operation`, collecting whatever it rejects or throws with. */
async function attempt(operation: () => unknown): Promise<void> {
  try {
    await operation();
  } catch (error) {
    collectError(error);
  }
}

/** Collects everything a repository shows about itself. */
async function collectRepository(repo: RedisRepository): Promise<void> {
  collected.push(
    deep(repo),
    inspect(repo),
    safeJson(repo),
    safeJson(repo.config),
    deep(repo.config),
    safeJson({ ...repo.config }),
    deep(repo.health),
    safeJson(repo.health),
  );
  await attempt(async () => collected.push(safeJson(await repo.getPerformanceSummary())));
  if (repo.metrics !== undefined) {
    const registry = new Registry();
    registerPrometheusMetrics(repo.metrics, { registry });
    collected.push(await registry.metrics());
  }
}

/** A repository with events recorded, metrics on, and fast timeouts. */
function repository(config: RedisRepositoryConfig): RedisRepository {
  const repo = new RedisRepository({
    commandTimeout: '2s',
    connectTimeout: '3s',
    healthCheckInterval: '30s',
    enableMetrics: true,
    ...config,
  });
  repo.onEvent((event) => collected.push(deep(event)));
  repo.onHealthChange((state) => collected.push(deep(state)));
  return repo;
}

/** Connects, runs a few operations (one failing with WRONGTYPE on a stored secret), collects it all. */
async function exercise(config: RedisRepositoryConfig): Promise<void> {
  const repo = repository(config);
  await attempt(() => repo.connect());
  await attempt(() => repo.set('scan:text', STORED_VALUE));
  await attempt(() => repo.lpush('scan:text', STORED_VALUE));
  await attempt(() => repo.hset('scan:hash', 'f', STORED_VALUE));
  await attempt(() => repo.get('scan:hash'));
  await attempt(() => repo.info('server'));
  await attempt(() => repo.ping());
  await collectRepository(repo);
  await attempt(() => repo.disconnect());
  await collectRepository(repo);
}

beforeAll(async () => {
  certs = await generateTlsCertificates();
  tlsPort = await findFreePort();
  server = await startRedisServer({
    password: PASSWORD,
    args: [...certs.tlsArgs(tlsPort), '--user', ACL_USER, 'on', `>${ACL_PASSWORD}`, '~*', '+@all'],
  });
  const keyLines = certs.key.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));
  const keyBytes = Buffer.from(certs.key);
  secrets = [
    PASSWORD,
    ACL_USER,
    ACL_PASSWORD,
    SENTINEL_USER,
    SENTINEL_PASSWORD,
    WRONG_PASSWORD,
    URL_PASSWORD,
    encodeURIComponent(URL_PASSWORD),
    'Url/Password',
    'Password@Secret',
    STORED_VALUE,
    ...keyLines.map((line) => line.slice(0, 24)),
    // util.inspect shows a Buffer as hex bytes: `<Buffer 2d 2d 2d 2d 2d 42 45 47 ...`
    [...keyBytes.subarray(40, 56)].map((byte) => byte.toString(16).padStart(2, '0')).join(' '),
  ];
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await certs?.remove();
});

describe('secret scan', () => {
  it('finds a secret when there is one (the scan itself works)', () => {
    const leaks = [`connected to redis://:${PASSWORD}@host`].filter((text) =>
      secrets.some((secret) => text.includes(secret)),
    );
    expect(leaks).toHaveLength(1);
  });

  it('no scenario prints a secret: errors, causes, logs, health, stats, metrics, inspect and JSON', async () => {
    const output: string[] = [];
    const capture = (...args: unknown[]) => {
      output.push(args.map((arg) => (typeof arg === 'string' ? arg : deep(arg))).join(' '));
    };
    const spies = [
      ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((level) =>
        vi.spyOn(console, level).mockImplementation(capture),
      ),
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        output.push(String(chunk));
        return true;
      }),
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        output.push(String(chunk));
        return true;
      }),
    ];
    try {
      const url = (password: string, port = server.port) =>
        `redis://${encodeURIComponent(ACL_USER)}:${encodeURIComponent(password)}@127.0.0.1:${port}/1`;
      await exercise({ port: server.port, password: PASSWORD });
      await exercise({ port: server.port, password: WRONG_PASSWORD });
      await exercise({ port: server.port, username: ACL_USER, password: ACL_PASSWORD });
      await exercise({ port: server.port, username: ACL_USER, password: WRONG_PASSWORD });
      await exercise({ url: url(ACL_PASSWORD) });
      await exercise({ url: url(WRONG_PASSWORD) });
      await exercise({ url: `redis://:${encodeURIComponent(URL_PASSWORD)}@127.0.0.1:${server.port}` });
      await exercise({
        port: tlsPort,
        password: PASSWORD,
        tls: { ca: certs.ca, key: certs.key, cert: certs.cert },
      });
      await exercise({
        port: tlsPort,
        password: PASSWORD,
        tls: { key: Buffer.from(certs.key), cert: certs.cert },
      });
      await exercise({ port: tlsPort, password: WRONG_PASSWORD });
      await exercise({
        password: PASSWORD,
        connectTimeout: '1s',
        sentinel: {
          sentinels: [`127.0.0.1:${await findFreePort()}`],
          name: 'mymaster',
          sentinelUsername: SENTINEL_USER,
          sentinelPassword: SENTINEL_PASSWORD,
        },
      });
      // Bad URLs are refused in the constructor; the error must not echo them.
      for (const bad of [
        `redis://:${URL_PASSWORD}@127.0.0.1:${server.port}`,
        `redis://${ACL_USER}:${PASSWORD}@local host:6379`,
        `redis://:${PASSWORD}@127.0.0.1:6379/${PASSWORD}`,
        `http://${ACL_USER}:${PASSWORD}@127.0.0.1:6379`,
        PASSWORD,
      ]) {
        await attempt(() => new RedisRepository({ url: bad }));
        collected.push(redactUrl(bad));
      }
      // A resilient wrapper over a repository whose password is wrong: its fallback events too.
      const inner = repository({ port: server.port, password: WRONG_PASSWORD });
      await attempt(() => inner.connect());
      const resilient = new ResilientCacheRepository(inner, {
        breaker: new CircuitBreakerPolicy({ failureThreshold: 1, recoveryTimeout: '1m' }),
      });
      resilient.onEvent((event) => collected.push(deep(event)));
      await attempt(() => resilient.get('scan:text'));
      await attempt(() => resilient.get('scan:text'));
      collected.push(deep(resilient), safeJson(resilient));
      await attempt(() => resilient.disconnect());
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const texts = [...collected, ...output];
    expect(texts.length).toBeGreaterThan(200);
    const leaks = texts.flatMap((text) =>
      secrets
        .filter((secret) => text.includes(secret))
        .map((secret) => ({ secret, text: text.slice(0, 400) })),
    );
    expect(leaks).toEqual([]);
  });
});
