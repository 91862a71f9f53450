import {
  assertScriptKeysShareSlot,
  evalScriptWith,
  type RawScriptCommands,
  toArgument,
} from '@forno/core/backend';
import type { DriverContext } from './driver-context.js';
import { sendCommand } from './node-redis-client.js';

/**
 * Scripts of `defineScript` on node-redis, in one attempt of the runner (`EVALSHA`, then `EVAL` on
 * `NOSCRIPT`), retried only when the command table says the script may run twice; on Cluster,
 * sent to the primary of the first key (any node when there is none).
 */
export function scriptCommands({ runner, kind, binary }: DriverContext): RawScriptCommands {
  return {
    async evalScript(script, keys, args) {
      assertScriptKeysShareSlot(kind === 'cluster', script, keys);
      const route = { key: keys[0], readonly: false, binary: binary && script.reply === 'value' };
      return runner.send(
        'evalScript',
        (c) =>
          evalScriptWith(
            (command) => sendCommand(c, kind, command, route),
            script,
            keys,
            args.map(toArgument),
          ),
        [script, keys, args],
      );
    },
  };
}
