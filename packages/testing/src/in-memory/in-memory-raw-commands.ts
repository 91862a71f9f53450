import type { RawCommands } from '@forno/core/backend';
import { hashCommands } from './commands/hash-commands.js';
import { listCommands } from './commands/list-commands.js';
import { lockCommands } from './commands/lock-commands.js';
import { queueLockCommands } from './commands/queue-lock-commands.js';
import { scriptCommands } from './commands/script-commands.js';
import { serverCommands } from './commands/server-commands.js';
import { setCommands } from './commands/set-commands.js';
import { sortedSetCommands } from './commands/sorted-set-commands.js';
import { streamCommands } from './commands/stream-commands.js';
import { stringCommands } from './commands/string-commands.js';
import { transactionCommands } from './commands/transaction-commands.js';
import { asyncCommands, type InMemoryContext } from './in-memory-context.js';

/** Every raw command of the fake, one group per Redis data type. */
export function createInMemoryRawCommands(ctx: InMemoryContext): RawCommands {
  const raw: RawCommands = {
    ...asyncCommands(stringCommands(ctx)),
    ...serverCommands(ctx),
    ...asyncCommands(hashCommands(ctx)),
    ...asyncCommands(listCommands(ctx)),
    ...asyncCommands(setCommands(ctx)),
    ...asyncCommands(sortedSetCommands(ctx)),
    ...lockCommands(ctx),
    ...queueLockCommands(ctx),
    ...transactionCommands(ctx, () => raw),
    ...streamCommands(ctx),
    ...scriptCommands(ctx),
  };
  return raw;
}
