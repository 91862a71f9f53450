import { describe, expect, it } from 'vitest';
import { useFakeRespServers } from '../../test/fake-resp-server.js';
import { RedisCommandTimeoutError, RedisReplyError } from './errors.js';
import { encodeCommand, parseReply, sendCommand } from './resp.js';

describe('encodeCommand', () => {
  it('encodes a command as an array of bulk strings, counting bytes not characters', () => {
    expect(encodeCommand(['SET', 'k', 'pizzà', '']).toString()).toBe(
      '*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\npizzà\r\n$0\r\n\r\n',
    );
  });
});

describe('parseReply', () => {
  const parse = (text: string) => parseReply(Buffer.from(text), 0);

  it('decodes every RESP2 type', () => {
    expect(parse('+PONG\r\n')).toEqual({ value: 'PONG', end: 7 });
    expect(parse(':-42\r\n')?.value).toBe(-42);
    expect(parse('$5\r\nhe\r\no\r\n')?.value).toBe('he\r\no');
    expect(parse('$-1\r\n')?.value).toBeNull();
    expect(parse('*-1\r\n')?.value).toBeNull();
    expect(parse('*0\r\n')?.value).toEqual([]);
    expect(parse('*3\r\n:1\r\n*2\r\n+a\r\n$1\r\nb\r\n$-1\r\n')?.value).toEqual([1, ['a', 'b'], null]);
  });

  it('turns error replies into RedisReplyError values carrying the message and its prefix', () => {
    const value = parse('-WRONGTYPE Operation against a key\r\n')?.value;
    expect(value).toBeInstanceOf(RedisReplyError);
    expect(value).toMatchObject({ message: 'WRONGTYPE Operation against a key', prefix: 'WRONGTYPE' });
    expect(parse('*2\r\n+OK\r\n-ERR nested\r\n')?.value).toEqual(['OK', expect.any(RedisReplyError)]);
  });

  it('returns undefined until the reply is complete', () => {
    const full = '*2\r\n$3\r\nfoo\r\n:7\r\n';
    for (let cut = 0; cut < full.length; cut++) expect(parse(full.slice(0, cut))).toBeUndefined();
    expect(parse(full)).toEqual({ value: ['foo', 7], end: full.length });
  });

  it("keeps bulk strings as bytes with bulk: 'buffer', so bytes that are not UTF-8 survive", () => {
    const bytes = Buffer.from([0x61, 0xff, 0xfe]);
    const reply = Buffer.concat([Buffer.from('*3\r\n$3\r\n'), bytes, Buffer.from('\r\n+OK\r\n$-1\r\n')]);
    expect(parseReply(reply, 0, 'buffer')).toEqual({ value: [bytes, 'OK', null], end: reply.length });
    expect(parseReply(reply.subarray(0, 8), 0, 'buffer')).toBeUndefined();
  });

  it('rejects bytes that are not RESP2', () => {
    expect(() => parse('%1\r\n')).toThrow(/Unexpected RESP type/);
  });
});

describe('sendCommand', () => {
  const fake = useFakeRespServers();

  it('reassembles a reply split over many packets', async () => {
    const { port } = await fake((_, socket) => {
      const reply = '*2\r\n$5\r\nhello\r\n:1\r\n';
      for (const char of reply) socket.write(char);
    });
    await expect(sendCommand(port, ['ECHO', 'x'])).resolves.toEqual(['hello', 1]);
  });

  it('authenticates first when a password is given and returns the reply to the command', async () => {
    const { port } = await fake((received, socket) => {
      if (received === `${encodeCommand(['AUTH', 'pw'])}${encodeCommand(['PING'])}`)
        socket.end('+OK\r\n+PONG\r\n');
    });
    await expect(sendCommand(port, ['PING'], { password: 'pw' })).resolves.toBe('PONG');
  });

  it('rejects with the server message on an error reply, including a failed AUTH', async () => {
    const { port } = await fake((_, socket) =>
      socket.write('-WRONGPASS invalid username-password pair\r\n+PONG\r\n'),
    );
    const error = await sendCommand(port, ['PING'], { password: 'bad' }).catch((e: unknown) => e);
    expect(RedisReplyError.is(error)).toBe(true);
    expect(error).toMatchObject({ prefix: 'WRONGPASS', message: 'WRONGPASS invalid username-password pair' });
  });

  it('times out when the server accepts but never answers', async () => {
    const { port } = await fake(() => undefined);
    await expect(sendCommand(port, ['PING'], { timeoutMs: 100 })).rejects.toBeInstanceOf(
      RedisCommandTimeoutError,
    );
  });

  it('abandons the command when its signal aborts', async () => {
    const { port } = await fake(() => undefined);
    const controller = new AbortController();
    const pending = sendCommand(port, ['PING'], { timeoutMs: 10_000, signal: controller.signal });
    controller.abort(new Error('server exited'));
    await expect(pending).rejects.toThrow('server exited');
    await expect(sendCommand(port, ['PING'], { signal: AbortSignal.abort() })).rejects.toThrow();
  });

  it('rejects when the connection closes before the reply, or is refused', async () => {
    const { port, close } = await fake((_, socket) => socket.end('$10\r\nshort'));
    await expect(sendCommand(port, ['GET', 'k'])).rejects.toThrow(/closed before the reply to GET k/);
    await close();
    await expect(sendCommand(port, ['PING'])).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
