import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisCommandTimeoutError, RedisReplyError, RedisServerNotFoundError } from './errors.js';
import { type RedisServer, startRedisServer } from './redis-server.js';
import { sendCommand } from './resp.js';

const started: RedisServer[] = [];

async function start(options?: Parameters<typeof startRedisServer>[0]): Promise<RedisServer> {
  const server = await startRedisServer(options);
  started.push(server);
  return server;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
});

describe('startRedisServer', () => {
  it('starts a server on a free loopback port that answers PING', async () => {
    const server = await start();

    expect(server.host).toBe('127.0.0.1');
    expect(server.port).not.toBe(6379);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.running).toBe(true);
    expect(isAlive(server.pid)).toBe(true);
    expect(await sendCommand(server.port, ['PING'])).toBe('PONG');
    expect(await server.command(['SET', 'k', 'v'])).toBe('OK');
    expect(await server.command(['GET', 'k'])).toBe('v');
  });

  it('gives two servers different ports', async () => {
    const [a, b] = await Promise.all([start(), start()]);

    expect(a.port).not.toBe(b.port);
    expect(await a.command(['PING'])).toBe('PONG');
    expect(await b.command(['PING'])).toBe('PONG');
  });

  it('pause makes PING time out and resume restores it', async () => {
    const server = await start();

    await server.pause();
    expect(server.paused).toBe(true);
    await expect(server.command(['PING'], { timeoutMs: 300 })).rejects.toBeInstanceOf(
      RedisCommandTimeoutError,
    );

    await server.resume();
    expect(server.paused).toBe(false);
    expect(await server.command(['PING'])).toBe('PONG');
  });

  it('kill + restart keeps the port and answers again', async () => {
    const server = await start();
    const { port, pid } = server;

    await server.kill();
    expect(server.running).toBe(false);
    expect(isAlive(pid)).toBe(false);
    await expect(server.command(['PING'])).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pid);
    expect(await sendCommand(port, ['PING'])).toBe('PONG');
  });

  it('restarts a running server, and stops a paused one', async () => {
    const server = await start();
    const pid = server.pid;

    await server.restart();
    expect(server.pid).not.toBe(pid);
    expect(await server.command(['PING'])).toBe('PONG');

    await server.pause();
    await server.stop();
    expect(isAlive(server.pid)).toBe(false);
  });

  it('stop removes the process and its temp dir', async () => {
    const server = await start();
    const { pid, dir } = server;
    expect((await stat(dir)).isDirectory()).toBe(true);

    await server.stop();

    expect(server.running).toBe(false);
    expect(isAlive(pid)).toBe(false);
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    await server.stop(); // idempotent
  });

  it('keeps a directory it was given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'forno-given-'));
    try {
      const server = await start({ dir });
      expect(server.logFile).toBe(join(dir, 'redis.log'));
      await server.stop();
      expect((await stat(server.logFile)).isFile()).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('protects the server with a password', async () => {
    const server = await start({ password: 's3cret' });

    expect(server.url).toBe(`redis://:s3cret@127.0.0.1:${server.port}`);
    expect(await server.command(['PING'])).toBe('PONG');
    await expect(sendCommand(server.port, ['GET', 'x'])).rejects.toSatisfy(
      (error) => RedisReplyError.is(error) && error.prefix === 'NOAUTH',
    );
  });

  it('passes extra args through', async () => {
    const server = await start({ args: ['--maxmemory', '12mb'] });

    expect(await server.command(['CONFIG', 'GET', 'maxmemory'])).toEqual([
      'maxmemory',
      String(12 * 1024 * 1024),
    ]);
  });

  it('rejects with RedisServerNotFoundError when the binary is missing', async () => {
    const emptyDir = await mkdtemp(join(tmpdir(), 'forno-empty-path-'));
    const path = process.env.PATH;
    try {
      await expect(startRedisServer({ binary: join(emptyDir, 'redis-server') })).rejects.toBeInstanceOf(
        RedisServerNotFoundError,
      );
      process.env.PATH = emptyDir; // a bare name is looked up on PATH
      const error = await startRedisServer().catch((e: unknown) => e);
      expect(RedisServerNotFoundError.is(error)).toBe(true);
      expect((error as Error).message).toMatch(/apt-get install redis-server/);
    } finally {
      process.env.PATH = path;
      await rm(emptyDir, { recursive: true, force: true });
    }
  });

  it('reports the log tail when the server cannot start', async () => {
    const error = await startRedisServer({ args: ['--no-such-option', 'x'] }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'E_REDIS_SERVER_START' });
    expect((error as Error).message).toMatch(/exited during startup/);
    expect((error as Error).message).toMatch(/no-such-option/);
  });
});
