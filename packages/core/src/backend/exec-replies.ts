import { CacheUnavailableError, TransactionConflictError } from '../errors.js';

/** A command queued in a `MULTI`, waiting for its own reply out of the `EXEC` reply. */
export interface QueuedReply {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** One command's part of an `EXEC` reply, as a driver reads it: its (typed) error, or its value. */
export type ExecOutcome = { readonly error: unknown } | { readonly value: unknown };

/**
 * Runs `exec` (a driver's `EXEC`) and settles each queued command's reply from it, in order, so
 * the command's own reply reader runs as outside a transaction. When `EXEC` fails, every command
 * is rejected with that error and it is rethrown; when it answers null (a watched key changed:
 * nothing ran), every command is rejected with `TransactionConflictError` and `false` is returned.
 * `outcomeOf` reads one element of the reply (a missing one is a `CacheUnavailableError`).
 * Shared by both Redis drivers.
 */
export async function settleExecReplies<E>(
  queued: readonly QueuedReply[],
  exec: () => Promise<readonly E[] | null>,
  outcomeOf: (element: E, index: number) => ExecOutcome,
): Promise<boolean> {
  let replies: readonly E[] | null;
  try {
    replies = await exec();
  } catch (error) {
    for (const reply of queued) reply.reject(error);
    throw error;
  }
  if (replies === null) {
    const conflict = new TransactionConflictError('transaction discarded: a watched key changed');
    for (const reply of queued) reply.reject(conflict);
    return false;
  }
  queued.forEach((reply, i) => {
    const outcome: ExecOutcome =
      i < replies.length
        ? outcomeOf(replies[i] as E, i)
        : { error: new CacheUnavailableError('no reply from EXEC') };
    if ('error' in outcome) reply.reject(outcome.error);
    else reply.resolve(outcome.value);
  });
  return true;
}
