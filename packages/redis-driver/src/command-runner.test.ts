import { CacheTimeoutError, CacheUnavailableError, CommandError } from '@forno/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandRunner } from './command-runner.js';
import type { RedisClient } from './create-client.js';

/** Just what the runner reads of an ioredis client. */
function fakeClient(isCluster: boolean, autoPipelineQueueSize = 1): RedisClient {
  return {
    isCluster,
    autoPipelineQueueSize,
    options: { enableAutoPipelining: true },
  } as unknown as RedisClient;
}

/** Whether each call of the returned command saw auto-pipelining on. */
function recordingCommand() {
  const pipelined: boolean[] = [];
  const command = (c: RedisClient) => {
    pipelined.push((c.options as { enableAutoPipelining: boolean }).enableAutoPipelining);
    return Promise.resolve('OK');
  };
  return { pipelined, command };
}

const never = () => new Promise<never>(() => {});

/** An error reply as ioredis rejects with it. */
const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });

function runner(client: RedisClient, onTimeout = vi.fn()) {
  return new CommandRunner([client], { retries: 3, delay: () => 50, budgetMs: 500, onTimeout });
}

describe('CommandRunner', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rejects with CacheTimeoutError once commandTimeout is spent, even if ioredis never settles the command', async () => {
    // ioredis starts its own timer only when a command is written: one waiting behind a stuck
    // auto-pipeline or in a Cluster delay queue has none yet.
    const client = fakeClient(true);
    const onTimeout = vi.fn();
    const once = runner(client, onTimeout)
      .once(never)
      .catch((error: unknown) => error);
    const idempotent = runner(client, onTimeout)
      .idempotent(never)
      .catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(499);
    expect(onTimeout).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(await once).toBeInstanceOf(CacheTimeoutError);
    expect(await idempotent).toBeInstanceOf(CacheTimeoutError);
    expect(onTimeout).toHaveBeenCalledWith(client);
  });

  it('bounds retries of an idempotent command by the same budget', async () => {
    const command = vi.fn(() => Promise.reject(new Error('Connection is closed.')));
    const result = runner(fakeClient(false))
      .idempotent(command)
      .catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(500);
    expect(await result).toBeInstanceOf(CacheUnavailableError);
    // 3 retries 50 ms apart fit in 500 ms; the first attempt plus 3.
    expect(command).toHaveBeenCalledTimes(4);
  });

  it('sends a command again, outside auto-pipelining, when a Cluster redirection reaches it', async () => {
    const client = fakeClient(true);
    const pipelined: boolean[] = [];
    const command = vi.fn((c: RedisClient) => {
      pipelined.push((c.options as { enableAutoPipelining: boolean }).enableAutoPipelining);
      return pipelined.length === 1
        ? Promise.reject(reply('MOVED 3999 127.0.0.1:7001'))
        : Promise.resolve('OK');
    });
    // Even a command that is not idempotent: a redirected command did not run.
    await expect(runner(client).once(command)).resolves.toBe('OK');
    expect(pipelined).toEqual([true, false]);
    expect((client.options as { enableAutoPipelining: boolean }).enableAutoPipelining).toBe(true);
  });

  it('sends a lone command straight away, and one behind queued commands in their auto-pipeline', async () => {
    // A lone command in an auto-pipeline waits for setImmediate: a turn of the event loop each.
    const alone = recordingCommand();
    const idle = fakeClient(false, 0);
    await expect(runner(idle).once(alone.command)).resolves.toBe('OK');
    expect(alone.pipelined).toEqual([false]);
    expect((idle.options as { enableAutoPipelining: boolean }).enableAutoPipelining).toBe(true);
    // Others of this tick are queued: join them, so nothing overtakes them on the connection.
    const behind = recordingCommand();
    await expect(runner(fakeClient(false, 2)).once(behind.command)).resolves.toBe('OK');
    expect(behind.pipelined).toEqual([true]);
    // Replies still awaited (many in flight): join the auto-pipeline, one write per turn.
    const busy = recordingCommand();
    const inFlight = Object.assign(fakeClient(false, 0), { commandQueue: { length: 3 } });
    await expect(runner(inFlight).once(busy.command)).resolves.toBe('OK');
    expect(busy.pipelined).toEqual([true]);
  });

  it('types a redirection that persists as CacheUnavailableError, and other replies as they were', async () => {
    const moved = () => Promise.reject(reply('ASK 3999 127.0.0.1:7001'));
    await expect(runner(fakeClient(true)).once(moved)).rejects.toBeInstanceOf(CacheUnavailableError);
    const wrong = () => Promise.reject(reply('ERR syntax error'));
    await expect(runner(fakeClient(true)).once(wrong)).rejects.toBeInstanceOf(CommandError);
  });

  it('turns a command that throws synchronously into a typed rejection', async () => {
    const throwing = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'join')");
    };
    await expect(runner(fakeClient(true)).once(throwing)).rejects.toBeInstanceOf(CacheUnavailableError);
  });
});
