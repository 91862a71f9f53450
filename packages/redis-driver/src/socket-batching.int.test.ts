import type { Socket } from 'node:net';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CommandRunner } from './command-runner.js';
import { sendCommand } from './send-command.js';

/**
 * The runner's write batching on a standalone connection (`batchWrites`): the commands of one tick
 * leave in one socket write, in call order, and a lone command leaves before the event loop turns.
 */
describe('CommandRunner with batched writes (real redis-server)', () => {
  let server: RedisServer;
  let client: Redis;
  let runner: CommandRunner;

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(async () => {
    client = new Redis({ port: server.port, lazyConnect: true, enableAutoPipelining: false });
    await client.connect();
    await client.flushdb();
    runner = new CommandRunner([client], { retries: 0, delay: () => 0, budgetMs: 5_000 }, true);
  });
  afterEach(() => {
    client.disconnect();
  });

  /** Counts the socket's writes to the kernel: `_write` for one chunk, `_writev` for several. */
  function countSocketWrites() {
    const socket = client.stream as Socket & {
      _write: (...args: unknown[]) => void;
      _writev: (chunks: unknown[], callback: unknown) => void;
    };
    const counts = { writes: 0, writev: 0, chunks: 0 };
    const write = socket._write.bind(socket);
    const writev = socket._writev.bind(socket);
    socket._write = (...args) => {
      counts.writes += 1;
      counts.chunks += 1;
      write(...args);
    };
    socket._writev = (chunks, callback) => {
      counts.writev += 1;
      counts.chunks += chunks.length;
      writev(chunks, callback);
    };
    return counts;
  }

  it('writes the commands of one tick in one socket write, in call order', async () => {
    const counts = countSocketWrites();
    const replies = await Promise.all([
      runner.once((c) => c.set('n', '1')),
      runner.once((c) => c.incr('n')),
      runner.once((c) => c.get('n')),
      ...Array.from({ length: 50 }, (_, i) => runner.once((c) => c.set(`k${i}`, String(i)))),
      runner.once((c) => c.mget('k0', 'k49')),
    ]);
    expect(replies.slice(0, 3)).toEqual(['OK', 2, '2']);
    expect(replies.at(-1)).toEqual(['0', '49']);
    expect(counts).toEqual({ writes: 0, writev: 1, chunks: 54 });
  });

  it('sends a lone command before the event loop turns (no setImmediate wait)', async () => {
    const socket = client.stream as Socket;
    const before = socket.bytesWritten;
    const reply = runner.once((c) => c.ping());
    expect(socket.writableCorked).toBe(1);
    const written = await new Promise<number>((resolve) => setImmediate(() => resolve(socket.bytesWritten)));
    expect(socket.writableCorked).toBe(0);
    expect(written).toBeGreaterThan(before);
    expect(await reply).toBe('PONG');
  });

  it('keeps batching across ticks: each tick uncorks what it wrote', async () => {
    const counts = countSocketWrites();
    for (let tick = 0; tick < 3; tick++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => runner.once((c) => c.set(`t${tick}:${i}`, 'v'))),
      );
    }
    expect(counts).toEqual({ writes: 0, writev: 3, chunks: 30 });
    expect(await client.dbsize()).toBe(30);
  });

  it('sends a command with 100,000 arguments, batched with others, without overflowing the stack', async () => {
    const members = Array.from({ length: 100_000 }, (_, i) => `m${i}`);
    const [added, count] = await Promise.all([
      runner.once((c) => sendCommand(c, 'SADD', ['big', ...members])),
      runner.once((c) => c.scard('big')),
    ]);
    expect(added).toBe(100_000);
    expect(count).toBe(100_000);
  });
});
