import { inspect } from 'node:util';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRepository } from './redis-repository.js';

/** ioredis errors carry `command: { name, args }`; kept as `cause`, they must not carry secrets. */
const PASSWORD = 'pw-in-AUTH-args';
const STORED = 'stored-value-in-command-args';
let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer({ password: PASSWORD });
});

afterAll(async () => {
  await server?.stop();
});

/** The error, its causes and every property, as deep as they go. */
const everything = (error: unknown) => inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true });

describe('errors kept as cause', () => {
  it('do not carry the stored values of a data command', async () => {
    const repo = new RedisRepository({ port: server.port, password: PASSWORD, keyPrefix: 'redacted:' });
    await repo.connect();
    await repo.set('text', 'plain');
    const error = await repo.lpush('text', STORED).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_WRONG_TYPE' });
    expect(everything(error)).not.toContain(STORED);
    // The command name and its key remain, for debugging.
    expect((error as Error).cause).toMatchObject({
      command: { name: expect.stringMatching(/^lpush$/i), args: ['redacted:text', '[redacted]'] },
    });
    await repo.disconnect();
  });

  it('do not carry the password of the handshake (HELLO 3 AUTH default <password>)', async () => {
    const wrong = 'wrong-pw-in-HELLO-args';
    const repo = new RedisRepository({ port: server.port, password: wrong });
    const error = await repo.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_CACHE_AUTH' });
    expect(everything(error)).not.toContain(wrong);
    expect(everything(repo.health)).not.toContain(wrong);
    await repo.disconnect();
  });
});
