import { InMemoryStore } from '@forno/testing';
import { afterAll, beforeAll, describe, vi } from 'vitest';
import { fakeRepository } from '../test/fake.js';
import { lockSuite } from '../test/lock-suite.js';

// The unit project runs the real-time lock suite on fake timers: TTLs (the store reads Date.now),
// lease deadlines, renewals and waits all move only when the suite advances time.
describe('lock suite on the in-memory fake (fake timers)', () => {
  beforeAll(() => {
    vi.useFakeTimers();
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  const store = new InMemoryStore();
  let n = 0;
  lockSuite({
    repo: () => fakeRepository({ store, keyPrefix: `suite${n++}:` }),
    sleep: async (ms) => {
      await vi.advanceTimersByTimeAsync(ms);
    },
  });
});
