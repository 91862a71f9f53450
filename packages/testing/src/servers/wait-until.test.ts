import { describe, expect, it } from 'vitest';
import { waitUntil } from './wait-until.js';

describe('waitUntil', () => {
  it('retries a failing probe until it resolves, and returns its value', async () => {
    let calls = 0;
    const value = await waitUntil(
      async () => {
        calls++;
        if (calls < 3) throw new Error('not yet');
        return 'ready';
      },
      { timeoutMs: 5_000, intervalMs: 1, description: 'readiness' },
    );
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('times out with the description and the last reason', async () => {
    await expect(
      waitUntil(() => Promise.reject(new Error('cluster_state is fail')), {
        timeoutMs: 30,
        intervalMs: 5,
        description: 'the cluster',
      }),
    ).rejects.toThrow(/Timed out after 30 ms waiting for the cluster; last check: cluster_state is fail/);
  });

  it('rethrows fatal errors at once', async () => {
    let calls = 0;
    const fatal = new Error('refused');
    await expect(
      waitUntil(
        () => {
          calls++;
          return Promise.reject(fatal);
        },
        { timeoutMs: 5_000, description: 'x', isFatal: (error) => error === fatal },
      ),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
  });
});
