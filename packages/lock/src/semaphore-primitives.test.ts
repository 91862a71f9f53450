import { InMemoryCacheRepository, ManualClock } from '@forno/testing';
import { describe } from 'vitest';
import { semaphorePrimitivesContract } from '../test/semaphore-primitives-contract.js';

describe('semaphore primitives on the in-memory fake', () => {
  let clock = new ManualClock();
  semaphorePrimitivesContract({
    repo: () => {
      clock = new ManualClock();
      return new InMemoryCacheRepository({ keyPrefix: 'sem:', clock });
    },
    advanceTime: async (ms) => clock.advance(ms),
  });
});
