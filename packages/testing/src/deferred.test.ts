import { describe, expect, it } from 'vitest';
import { deferred } from './deferred.js';

describe('deferred', () => {
  it('settles its promise when the test resolves it', async () => {
    const pending = deferred<number>();
    let settled = false;
    void pending.promise.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    pending.resolve(42);
    await expect(pending.promise).resolves.toBe(42);
    expect(settled).toBe(true);
  });

  it('rejects its promise when the test rejects it', async () => {
    const pending = deferred();
    pending.reject(new Error('backend down'));
    await expect(pending.promise).rejects.toThrow('backend down');
  });
});
