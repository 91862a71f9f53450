import { Command } from 'ioredis';
import type { RedisClient } from './create-client.js';

/** An argument of a Redis command. */
export type CommandArgument = string | number | Buffer;

type CommandMethod = (...args: CommandArgument[]) => Promise<unknown>;

/**
 * Above this many arguments a command skips ioredis' auto-pipelining, which spreads each command's
 * arguments and reply on the stack: from ~65k arguments it throws "Maximum call stack size
 * exceeded" and then crashes the process with an uncaught TypeError (ioredis 6.0.0).
 */
const AUTO_PIPELINE_MAX_ARGUMENTS = 4_096;

/**
 * Sends `name` with `args` (an array, never spread: a spread of 100k values overflows the stack
 * too), reading value replies as strings (`'utf8'`) or Buffers (`null`). Small commands go through
 * ioredis' command methods, so auto-pipelining batches them; large ones are sent on their own.
 *
 * Buffer replies use the command's own `<name>Buffer` method (`zrangeBuffer`), never
 * `callBuffer(name, ...)`: with auto-pipelining on, ioredis 6 drops the command name of
 * `callBuffer` and sends the first key as the command.
 */
export function sendCommand(
  client: RedisClient,
  name: string,
  args: readonly CommandArgument[],
  replyEncoding: 'utf8' | null = 'utf8',
): Promise<unknown> {
  if (args.length <= AUTO_PIPELINE_MAX_ARGUMENTS) {
    if (replyEncoding === 'utf8') return client.call(name, ...args);
    const bufferMethod = bufferMethodOf(client, name);
    if (bufferMethod !== undefined) return bufferMethod.apply(client, args as CommandArgument[]);
  }
  return client.sendCommand(new Command(name, [...args], { replyEncoding })) as Promise<unknown>;
}

/** ioredis' `<name>Buffer` method for a command (`'ZRANGE'` → `zrangeBuffer`), if it has one. */
function bufferMethodOf(client: RedisClient, name: string): CommandMethod | undefined {
  const method = (client as unknown as Record<string, unknown>)[`${name.toLowerCase()}Buffer`];
  return typeof method === 'function' ? (method as CommandMethod) : undefined;
}
