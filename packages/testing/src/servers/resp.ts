import { connect } from 'node:net';
import { RedisCommandTimeoutError, RedisReplyError } from './errors.js';

/**
 * A decoded RESP2 reply: simple and bulk strings as `string`, integers as `number`, null bulk
 * strings and null arrays as `null`, arrays (nested to any depth) as arrays. An error nested in an
 * array (e.g. inside an EXEC reply) is kept as a {@link RedisReplyError} value; a top-level error
 * reply rejects instead.
 */
export type RespReply = string | number | null | RedisReplyError | RespReply[];

/**
 * A decoded RESP2 reply with bulk strings kept as bytes (`Buffer`), for keys and values that are
 * not UTF-8 text; simple strings (`OK`) stay strings. See {@link parseReply}'s `bulk`.
 */
export type BinaryRespReply = string | Buffer | number | null | RedisReplyError | BinaryRespReply[];

/** How {@link parseReply} decodes bulk strings: UTF-8 text, or the bytes as they came. */
export type BulkDecoding = 'string' | 'buffer';

/** Options of {@link sendCommand}. */
export interface SendCommandOptions {
  /** Server host. Default `127.0.0.1`. */
  host?: string;
  /** Time allowed for connecting, sending and reading the whole reply. Default 2000 ms. */
  timeoutMs?: number;
  /** Sent with `AUTH` before the command when set. */
  password?: string;
  /** Abandons the command (closing the connection) when aborted; rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Sends one command to a Redis server (or Sentinel) over a fresh TCP connection and resolves its
 * reply. It is a deliberately tiny RESP2 client for the server helpers, which must probe servers
 * (PING, CLUSTER INFO, SENTINEL ...) without depending on the client library under test, and must
 * never hang: every call is bounded by `timeoutMs`.
 *
 * Rejects with {@link RedisReplyError} (carrying the server's message) on an error reply, with
 * {@link RedisCommandTimeoutError} when no complete reply arrives in time (a SIGSTOPped server
 * still accepts connections, but never answers), and with the socket error (`ECONNREFUSED` ...)
 * when the server cannot be reached.
 */
export function sendCommand(
  port: number,
  args: readonly string[],
  options: SendCommandOptions = {},
): Promise<RespReply> {
  const { host = '127.0.0.1', timeoutMs = 2000, password, signal } = options;
  const commands = password === undefined ? [args] : [['AUTH', password], args];
  const name = args.slice(0, 2).join(' ');

  return new Promise<RespReply>((resolve, reject) => {
    const socket = connect({ host, port });
    let buffer: Buffer = Buffer.alloc(0);
    let received = 0;
    let settled = false;

    const onAbort = (): void =>
      finish(signal?.reason instanceof Error ? signal.reason : new Error('Aborted'));
    const finish = (error: Error | undefined, reply?: RespReply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error === undefined) resolve(reply ?? null);
      else reject(error);
    };
    const timer = setTimeout(
      () =>
        finish(new RedisCommandTimeoutError(`${host}:${port} did not answer ${name} within ${timeoutMs} ms`)),
      timeoutMs,
    );

    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.setNoDelay(true);
    socket.once('connect', () => socket.write(Buffer.concat(commands.map(encodeCommand))));
    socket.on('error', (error) => finish(error));
    socket.once('close', () =>
      finish(new Error(`Connection to ${host}:${port} closed before the reply to ${name}`)),
    );
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      try {
        for (let parsed = parseReply(buffer, 0); parsed !== undefined; parsed = parseReply(buffer, 0)) {
          buffer = buffer.subarray(parsed.end);
          received++;
          if (parsed.value instanceof RedisReplyError) return finish(parsed.value);
          if (received === commands.length) return finish(undefined, parsed.value);
        }
      } catch (error) {
        finish(error as Error);
      }
    });
  });
}

/** Encodes a command as a RESP array of bulk strings, the form every Redis command takes on the wire. */
export function encodeCommand(args: readonly string[]): Buffer {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return Buffer.from(out);
}

/**
 * Decodes one RESP2 reply starting at `start`. Returns the value and the offset just past it, or
 * `undefined` when `buffer` does not yet hold the complete reply (read more and call again).
 * Bulk strings are UTF-8 text, or with `bulk: 'buffer'` their bytes (a key that is not UTF-8
 * survives the round trip). Throws on bytes that are not RESP2.
 */
export function parseReply(
  buffer: Buffer,
  start: number,
  bulk?: 'string',
): { value: RespReply; end: number } | undefined;
export function parseReply(
  buffer: Buffer,
  start: number,
  bulk: BulkDecoding,
): { value: BinaryRespReply; end: number } | undefined;
export function parseReply(
  buffer: Buffer,
  start: number,
  bulk: BulkDecoding = 'string',
): { value: BinaryRespReply; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd === -1) return undefined;
  const type = buffer[start];
  const line = buffer.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case 0x2b: // '+' simple string
      return { value: line, end: next };
    case 0x2d: // '-' error
      return { value: new RedisReplyError(line), end: next };
    case 0x3a: // ':' integer
      return { value: Number(line), end: next };
    case 0x24: {
      // '$' bulk string
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      const end = next + length;
      if (buffer.length < end + 2) return undefined;
      const value =
        bulk === 'buffer' ? Buffer.from(buffer.subarray(next, end)) : buffer.toString('utf8', next, end);
      return { value, end: end + 2 };
    }
    case 0x2a: {
      // '*' array
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: BinaryRespReply[] = [];
      let offset = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, offset, bulk);
        if (item === undefined) return undefined;
        items.push(item.value);
        offset = item.end;
      }
      return { value: items, end: offset };
    }
    default:
      throw new Error(`Unexpected RESP type byte ${JSON.stringify(String.fromCharCode(type ?? 0))}`);
  }
}
