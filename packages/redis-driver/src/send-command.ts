import { Command } from 'ioredis';
import type { RedisClient } from './create-client.js';

/** An argument of a Redis command. */
export type CommandArgument = string | number | Buffer;

/**
 * Above this many arguments a command skips ioredis' auto-pipelining, which spreads each command's
 * arguments and reply on the stack: from ~65k arguments it throws "Maximum call stack size
 * exceeded" and then crashes the process with an uncaught TypeError (ioredis 6.0.0).
 */
const AUTO_PIPELINE_MAX_ARGUMENTS = 4_096;

/**
 * Sends `name` with `args` (an array, never spread: a spread of 100k values overflows the stack
 * too), reading value replies as strings (`'utf8'`) or Buffers (`null`). Small commands go through
 * `call`, so auto-pipelining batches them; large ones are sent on their own.
 */
export function sendCommand(
  client: RedisClient,
  name: string,
  args: readonly CommandArgument[],
  replyEncoding: 'utf8' | null = 'utf8',
): Promise<unknown> {
  if (args.length <= AUTO_PIPELINE_MAX_ARGUMENTS) {
    return replyEncoding === null ? client.callBuffer(name, ...args) : client.call(name, ...args);
  }
  return client.sendCommand(new Command(name, [...args], { replyEncoding })) as Promise<unknown>;
}
