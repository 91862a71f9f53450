import {
  assertScriptKeysShareSlot,
  evalScriptWith,
  type RawScriptCommands,
  toArgument,
} from '@forno/core/backend';
import type { RedisClient } from './create-client.js';
import type { DriverContext } from './driver-context.js';
import { type CommandArgument, sendCommand } from './send-command.js';

/**
 * Scripts of `defineScript` on ioredis, in one attempt of the runner (`EVALSHA`, then `EVAL` on
 * `NOSCRIPT`), retried only when the command table says the script may run twice. ioredis routes
 * `EVALSHA`/`EVAL` on Cluster by their keys.
 */
export function scriptCommands(ctx: DriverContext): RawScriptCommands {
  return {
    async evalScript(script, keys, args) {
      assertScriptKeysShareSlot(ctx.cluster, script, keys);
      const encoding = ctx.binary && script.reply === 'value' ? null : 'utf8';
      const send = (c: RedisClient) => (command: readonly CommandArgument[]) =>
        sendCommand(c, String(command[0]), command.slice(1), encoding);
      const tail = args.map(toArgument);
      return ctx.runner.send(
        'evalScript',
        (c) => evalScriptWith<CommandArgument>(send(c), script, keys, tail),
        [script, keys, args],
      );
    },
  };
}
