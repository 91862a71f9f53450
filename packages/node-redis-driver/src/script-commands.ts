import {
  assertSameSlot,
  evalShaThenEval,
  type RawScriptCommands,
  type RawScriptReply,
  toArgument,
} from '@forno/core/backend';
import type { DriverContext } from './driver-context.js';
import { sendCommand } from './node-redis-client.js';

/**
 * Scripts of `defineScript` on node-redis: `EVALSHA`, then `EVAL` on `NOSCRIPT`, in one attempt of
 * the runner (retried only when the command table says the script may run twice). On Cluster the
 * keys must share a slot, and the script is routed by the first (any node when it has none).
 */
export function scriptCommands(ctx: DriverContext): RawScriptCommands {
  const { runner, kind, binary } = ctx;
  return {
    evalScript(script, keys, args) {
      if (kind === 'cluster' && keys.length > 1) assertSameSlot(`script ${script.name}`, keys);
      const tail = [String(keys.length), ...keys, ...args.map(toArgument)];
      const route = {
        key: keys[0],
        readonly: false,
        binary: binary && script.reply === 'value',
      };
      return runner.send(
        'evalScript',
        (c) =>
          evalShaThenEval(
            (command) => sendCommand(c, kind, command, route),
            script.sha,
            script.source,
            tail,
          ) as Promise<RawScriptReply>,
        [script, keys, args],
      );
    },
  };
}
