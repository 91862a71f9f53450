import {
  assertSameSlot,
  evalShaThenEval,
  type RawScriptCommands,
  type RawScriptReply,
  toArgument,
} from '@forno/core/backend';
import type { DriverContext } from './driver-context.js';
import { type CommandArgument, sendCommand } from './send-command.js';

/**
 * Scripts of `defineScript` on ioredis: `EVALSHA`, then `EVAL` on `NOSCRIPT`, in one attempt of
 * the runner (retried only when the command table says the script may run twice). ioredis routes
 * `EVALSHA`/`EVAL` on Cluster by their keys; all of them must share a slot.
 */
export function scriptCommands(ctx: DriverContext): RawScriptCommands {
  const { runner, binary, cluster } = ctx;
  return {
    evalScript(script, keys, args) {
      if (cluster && keys.length > 1) assertSameSlot(`script ${script.name}`, keys);
      const tail: CommandArgument[] = [keys.length, ...keys, ...args.map(toArgument)];
      const encoding = binary && script.reply === 'value' ? null : 'utf8';
      return runner.send(
        'evalScript',
        (c) =>
          evalShaThenEval<CommandArgument>(
            ([name, ...rest]) => sendCommand(c, name as string, rest, encoding),
            script.sha,
            script.source,
            tail,
          ) as Promise<RawScriptReply>,
        [script, keys, args],
      );
    },
  };
}
