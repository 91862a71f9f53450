import { inspect } from 'node:util';
import type { RedisRepositoryConfig } from '@forno/core/backend';
import { describe, expect, it } from 'vitest';
import { RedisRepository } from './redis-repository.js';

const PASSWORD = 'pw-Secret-One';
const USERNAME = 'acl-user-Secret-Two';
const SENTINEL_PASSWORD = 'sentinel-pw-Secret-Three';
const SENTINEL_USERNAME = 'sentinel-user-Secret-Four';
const KEY_BODY = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSecretFive';
const TLS_KEY = `-----BEGIN PRIVATE KEY-----\n${KEY_BODY}\n-----END PRIVATE KEY-----\n`;
const SECRETS = [PASSWORD, USERNAME, SENTINEL_PASSWORD, SENTINEL_USERNAME, KEY_BODY];

const CONFIGS: Array<[string, RedisRepositoryConfig]> = [
  [
    'password, ACL user and a TLS key as PEM text',
    { password: PASSWORD, username: USERNAME, tls: { key: TLS_KEY } },
  ],
  ['a TLS key as a Buffer', { tls: { key: Buffer.from(TLS_KEY), cert: 'PUBLIC CERT' } }],
  [
    'Sentinel credentials',
    {
      password: PASSWORD,
      sentinel: {
        sentinels: ['127.0.0.1:26379'],
        name: 'mymaster',
        sentinelUsername: SENTINEL_USERNAME,
        sentinelPassword: SENTINEL_PASSWORD,
      },
    },
  ],
  ['a URL with credentials', { url: `rediss://${USERNAME}:${PASSWORD}@cache.internal:6380/2` }],
];

/** Everything a program might print about a repository. */
function printed(repo: RedisRepository): string[] {
  return [
    inspect(repo),
    inspect(repo, { depth: Number.POSITIVE_INFINITY, showHidden: false }),
    JSON.stringify(repo),
    JSON.stringify(repo.config),
    inspect(repo.config, { depth: Number.POSITIVE_INFINITY }),
    JSON.stringify({ ...repo.config }),
    inspect(Object.entries(repo.config), { depth: Number.POSITIVE_INFINITY }),
    `${repo.config}`,
  ];
}

describe('secrets in the configuration', () => {
  it.each(CONFIGS)('are never printed: %s', (_, config) => {
    const repo = new RedisRepository({ ...config, healthCheckInterval: false });
    for (const text of printed(repo)) {
      for (const secret of SECRETS) expect(text, text).not.toContain(secret);
    }
    expect(inspect(repo.config)).toContain('[redacted]');
  });

  it('stay readable by code, for the connections', () => {
    const repo = new RedisRepository({ ...CONFIGS[0]![1], healthCheckInterval: false });
    expect(repo.config.password).toBe(PASSWORD);
    expect(repo.config.username).toBe(USERNAME);
    expect(repo.config.tls?.key).toBe(TLS_KEY);
    const sentinel = new RedisRepository({ ...CONFIGS[2]![1], healthCheckInterval: false });
    expect(sentinel.config.sentinel?.sentinelPassword).toBe(SENTINEL_PASSWORD);
    const fromUrl = new RedisRepository({ ...CONFIGS[3]![1], healthCheckInterval: false });
    expect(fromUrl.config).toMatchObject({ host: 'cache.internal', port: 6380, db: 2 });
    expect(fromUrl.config.password).toBe(PASSWORD);
  });

  it('leave the caller`s own TLS object alone', () => {
    const tls = { key: TLS_KEY, servername: 'cache' };
    new RedisRepository({ tls, healthCheckInterval: false });
    expect(Object.keys(tls)).toEqual(['key', 'servername']);
  });
});

describe('a bad url', () => {
  it.each([
    'redis://:hunter2@local host:6379',
    'redis://:hun/ter2@localhost:6379',
    'redis://:hun?ter2@localhost:6379',
    'redis://alice:hunter2@localhost:6379/hunter2',
    'http://alice:hunter2@localhost:6379',
    'hunter2',
    'redis://alice:hunter2@localhost:99999',
  ])('is reported without its secret parts: %s', (url) => {
    let error: unknown;
    try {
      new RedisRepository({ url });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'E_INVALID_CONFIG', argument: 'options.url' });
    // (The stack is left out: its file paths may contain these short strings by chance.)
    const text = `${String(error)} ${JSON.stringify(error)} ${String((error as Error).cause ?? '')}`;
    for (const part of ['hunter2', 'hun', 'ter2', 'alice']) expect(text).not.toContain(part);
  });

  it('with a raw / ? or # in the password says to percent-encode it', () => {
    expect(() => new RedisRepository({ url: 'redis://:a/b@localhost:6379' })).toThrow(/percent-encode/);
    expect(new RedisRepository({ url: 'redis://:a%2Fb@localhost:6379' }).config.password).toBe('a/b');
  });
});
