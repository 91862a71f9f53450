import { describe, expect, it } from 'vitest';
import { useFakeRespServers } from '../../test/fake-resp-server.js';
import { RedisCommandTimeoutError, RedisReplyError } from './errors.js';
import { openRespConnection } from './resp-connection.js';

describe('openRespConnection', () => {
  const fake = useFakeRespServers();

  it('pipelines commands on one connection and matches replies in order', async () => {
    const { port } = await fake((received, socket) => {
      if (received.split('PING').length === 4) socket.write('+A\r\n:2\r\n$1\r\nc\r\n');
    });
    const connection = await openRespConnection(port);
    const replies = Promise.all([
      connection.command(['PING']),
      connection.command(['PING']),
      connection.command(['PING']),
    ]);
    await expect(replies).resolves.toEqual(['A', 2, 'c']);
    await connection.close();
    await connection.close();
  });

  it("returns bulk strings as bytes with bulk: 'buffer'", async () => {
    const { port } = await fake((_, socket) =>
      socket.write(Buffer.concat([Buffer.from('$2\r\n'), Buffer.from([0xff, 0x00]), Buffer.from('\r\n')])),
    );
    const connection = await openRespConnection(port, { bulk: 'buffer' });
    await expect(connection.command(['GET', 'k'])).resolves.toEqual(Buffer.from([0xff, 0x00]));
    await connection.close();
  });

  it('rejects an error reply with RedisReplyError and goes on with the next command', async () => {
    let count = 0;
    const { port } = await fake((_, socket) =>
      socket.write(++count === 1 ? '-WRONGTYPE no\r\n' : '+PONG\r\n'),
    );
    const connection = await openRespConnection(port);
    const error = await connection.command(['GET', 'h']).catch((e: unknown) => e);
    expect(RedisReplyError.is(error)).toBe(true);
    expect(error).toMatchObject({ prefix: 'WRONGTYPE' });
    await expect(connection.command(['PING'])).resolves.toBe('PONG');
    await connection.close();
  });

  it('times out a command the server never answers, then refuses further commands', async () => {
    const { port } = await fake(() => undefined);
    const connection = await openRespConnection(port, { timeoutMs: 100 });
    await expect(connection.command(['PING'])).rejects.toBeInstanceOf(RedisCommandTimeoutError);
    await expect(connection.command(['PING'])).rejects.toThrow(/closed/);
  });

  it('rejects waiting commands when the server closes the connection, and a refused connection', async () => {
    const { port, close } = await fake((_, socket) => socket.end());
    const connection = await openRespConnection(port);
    await expect(connection.command(['PING'])).rejects.toThrow(/closed/);
    await close();
    await expect(openRespConnection(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
