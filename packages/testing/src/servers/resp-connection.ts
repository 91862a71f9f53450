import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { RedisCommandTimeoutError, RedisReplyError } from './errors.js';
import {
  type BinaryRespReply,
  type BulkDecoding,
  encodeCommand,
  parseReply,
  type RespReply,
} from './resp.js';

/** Options of {@link openRespConnection}. */
export interface RespConnectionOptions<TBulk extends BulkDecoding = 'string'> {
  /** Server host. Default `127.0.0.1`. */
  readonly host?: string;
  /** Bulk strings as UTF-8 text (default) or as bytes (`'buffer'`), as {@link parseReply} decodes them. */
  readonly bulk?: TBulk;
  /** Time allowed for connecting, and for each reply to arrive. Default 2000 ms. */
  readonly timeoutMs?: number;
}

/** A reply as a connection decodes it: text or bytes for bulk strings, after its `bulk` option. */
export type ReplyOf<TBulk extends BulkDecoding> = TBulk extends 'buffer' ? BinaryRespReply : RespReply;

/**
 * One open connection to a Redis server that sends many commands, pipelined: each call writes at
 * once and replies are matched in order. For tests that send thousands of raw commands (a fresh
 * connection per command, as {@link sendCommand} opens, would cost a handshake each).
 */
export interface RespConnection<TBulk extends BulkDecoding = 'string'> {
  /**
   * Sends one command; resolves its reply. Rejects with {@link RedisReplyError} on an error reply,
   * and with {@link RedisCommandTimeoutError} when the reply takes longer than `timeoutMs` (the
   * connection is then closed: replies after it could no longer be matched).
   */
  command(args: readonly string[]): Promise<ReplyOf<TBulk>>;
  /** Closes the connection; commands still waiting reject. Idempotent. */
  close(): Promise<void>;
}

interface Pending {
  readonly resolve: (reply: BinaryRespReply) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Opens a {@link RespConnection} to `port`; rejects if it is not connected within `timeoutMs`. */
export async function openRespConnection<TBulk extends BulkDecoding = 'string'>(
  port: number,
  options: RespConnectionOptions<TBulk> = {},
): Promise<RespConnection<TBulk>> {
  const { host = '127.0.0.1', timeoutMs = 2000 } = options;
  const socket = connect({ host, port });
  const timer = setTimeout(
    () =>
      socket.destroy(new RedisCommandTimeoutError(`${host}:${port} not connected within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    await once(socket, 'connect');
  } finally {
    clearTimeout(timer);
  }
  socket.setNoDelay(true);
  return new PipelinedConnection<TBulk>(socket, options.bulk ?? 'string', `${host}:${port}`, timeoutMs);
}

class PipelinedConnection<TBulk extends BulkDecoding> implements RespConnection<TBulk> {
  readonly #socket: Socket;
  readonly #bulk: BulkDecoding;
  readonly #address: string;
  readonly #timeoutMs: number;
  readonly #pending: Pending[] = [];
  #buffer: Buffer = Buffer.alloc(0);

  constructor(socket: Socket, bulk: BulkDecoding, address: string, timeoutMs: number) {
    this.#socket = socket;
    this.#bulk = bulk;
    this.#address = address;
    this.#timeoutMs = timeoutMs;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#failAll(error));
    socket.on('close', () => this.#failAll(new Error(`Connection to ${address} closed`)));
  }

  command(args: readonly string[]): Promise<ReplyOf<TBulk>> {
    if (this.#socket.destroyed) return Promise.reject(new Error(`Connection to ${this.#address} closed`));
    return new Promise<BinaryRespReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        const name = args.slice(0, 2).join(' ');
        this.#socket.destroy();
        reject(
          new RedisCommandTimeoutError(
            `${this.#address} did not answer ${name} within ${this.#timeoutMs} ms`,
          ),
        );
      }, this.#timeoutMs);
      this.#pending.push({ resolve, reject, timer });
      this.#socket.write(encodeCommand(args));
    }) as Promise<ReplyOf<TBulk>>;
  }

  async close(): Promise<void> {
    if (this.#socket.destroyed) return;
    const closed = once(this.#socket, 'close');
    this.#socket.end();
    await closed;
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    try {
      for (
        let parsed = parseReply(this.#buffer, 0, this.#bulk);
        parsed;
        parsed = parseReply(this.#buffer, 0, this.#bulk)
      ) {
        this.#buffer = this.#buffer.subarray(parsed.end);
        const pending = this.#pending.shift();
        if (pending === undefined) continue;
        clearTimeout(pending.timer);
        if (parsed.value instanceof RedisReplyError) pending.reject(parsed.value);
        else pending.resolve(parsed.value);
      }
    } catch (error) {
      this.#socket.destroy(error as Error);
    }
  }
}
