import {
  CacheUnavailableError,
  ForbiddenOperationError,
  InvalidArgumentError,
  type TransactionCommands,
  TransactionConflictError,
} from '@forno/core';
import { describe, expect, it } from 'vitest';
import { InMemoryCacheRepository } from './in-memory-cache-repository.js';
import { ManualClock } from './manual-clock.js';

describe('transactions on the in-memory fake: misuse and WATCH edge cases', () => {
  it('a command queued after build returned is refused at once', async () => {
    const repo = new InMemoryCacheRepository();
    let kept: TransactionCommands | undefined;
    await repo.transaction((tx) => {
      kept = tx;
      tx.set('a', 1);
    });
    expect(() => kept!.set('b', 2)).toThrow(ForbiddenOperationError);
    expect(await repo.exists('b')).toBe(false);
  });

  it('build throwing rejects with its error and sends nothing', async () => {
    const repo = new InMemoryCacheRepository();
    const failure = new Error('changed my mind');
    await expect(
      repo.transaction((tx) => {
        tx.set('a', 1);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await repo.exists('a')).toBe(false);
  });

  it('a build that queues nothing resolves without a round trip', async () => {
    const repo = new InMemoryCacheRepository();
    expect(await repo.transaction((tx) => [tx.delete([]), tx.mget([])])).toEqual([0, []]);
    expect(await repo.transaction(() => undefined)).toEqual([]);
  });

  it('a watch scope runs one transaction; bad keys and bodies are refused before WATCH', async () => {
    const repo = new InMemoryCacheRepository();
    await expect(repo.watch([], async () => 1)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(repo.watch([''], async () => 1)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(repo.watch(['k'], 'body' as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      repo.watch(['k'], async (scope) => {
        await scope.transaction((tx) => [tx.set('k', 1)]);
        return scope.transaction((tx) => [tx.set('k', 2)]);
      }),
    ).rejects.toBeInstanceOf(ForbiddenOperationError);
    expect(await repo.get('k')).toBe(1);
  });

  it('a watched key that expires before EXEC is a change, as on Redis 7', async () => {
    const clock = new ManualClock();
    const repo = new InMemoryCacheRepository({ clock });
    await repo.set('lease', 'station-1', { ttl: 100 });
    await expect(
      repo.watch(['lease'], async (scope) => {
        clock.advance(100);
        return scope.transaction((tx) => [tx.set('lease', 'station-2')]);
      }),
    ).rejects.toBeInstanceOf(TransactionConflictError);
    expect(await repo.get('lease')).toBeNull();
  });

  it('a write by the transaction itself does not conflict with its own watch; a released watch sees nothing', async () => {
    const repo = new InMemoryCacheRepository();
    await repo.set('stock', 2);
    await repo.watch(['stock'], async (scope) => scope.transaction((tx) => [tx.incrby('stock', -1)]));
    await expect(repo.watch(['stock'], async () => Promise.reject(new Error('body failed')))).rejects.toThrow(
      'body failed',
    );
    await repo.set('stock', 5); // after the failed body released its watch
    expect(
      await repo.watch(['stock'], async (scope) => scope.transaction((tx) => [tx.get('stock')])),
    ).toEqual([5]);
  });

  it('queued promises nobody awaits settle without unhandled rejections when the transaction fails', async () => {
    const repo = new InMemoryCacheRepository();
    await repo.set('k', 1);
    const other = new InMemoryCacheRepository({ store: repo.store });
    await expect(
      repo.watch(['k'], async (scope) => {
        await other.set('k', 2);
        return scope.transaction((tx) => {
          tx.set('k', 3);
          tx.incrby('n');
        });
      }),
    ).rejects.toBeInstanceOf(TransactionConflictError);
    await repo.disconnect();
    await expect(repo.transaction((tx) => [tx.get('k')])).rejects.toBeInstanceOf(CacheUnavailableError);
  });
});
