import { describe, expect, it } from 'vitest';
import { CacheUnavailableError, TransactionConflictError } from '../errors.js';
import { type QueuedReply, settleExecReplies } from './exec-replies.js';

function queued(count: number): {
  replies: QueuedReply[];
  settled: Promise<PromiseSettledResult<unknown>[]>;
} {
  const promises: Promise<unknown>[] = [];
  const replies: QueuedReply[] = [];
  for (let i = 0; i < count; i++) {
    promises.push(new Promise((resolve, reject) => replies.push({ resolve, reject })));
  }
  return { replies, settled: Promise.allSettled(promises) };
}

const read = (element: string) =>
  element.startsWith('ERR') ? { error: new Error(element) } : { value: element };

describe('settleExecReplies', () => {
  it('settles each queued command with its own element of the EXEC reply, errors included', async () => {
    const { replies, settled } = queued(3);
    expect(await settleExecReplies(replies, async () => ['OK', 'ERR wrong', 'v'], read)).toBe(true);
    const outcomes = await settled;
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseFulfilledResult<unknown>).value).toBe('v');
  });

  it('a null EXEC (a watched key changed) rejects every command with TransactionConflictError', async () => {
    const { replies, settled } = queued(2);
    expect(await settleExecReplies(replies, async () => null, read)).toBe(false);
    for (const outcome of await settled) {
      expect(TransactionConflictError.is((outcome as PromiseRejectedResult).reason)).toBe(true);
    }
  });

  it('a failed EXEC rejects every command and rethrows; a missing element is CacheUnavailableError', async () => {
    const failed = queued(2);
    const boom = new CacheUnavailableError('connection lost');
    await expect(settleExecReplies(failed.replies, () => Promise.reject(boom), read)).rejects.toBe(boom);
    expect((await failed.settled).map((o) => (o as PromiseRejectedResult).reason)).toEqual([boom, boom]);

    const short = queued(2);
    await settleExecReplies(short.replies, async () => ['OK'], read);
    const [, missing] = await short.settled;
    expect(CacheUnavailableError.is((missing as PromiseRejectedResult).reason)).toBe(true);
  });
});
