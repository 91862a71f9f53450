import { InMemoryStore } from '@forno/testing';
import { describe } from 'vitest';
import { fakeRepository } from './test-support/fake.js';
import { lockSuite } from './test-support/lock-suite.js';

describe('lock suite on the in-memory fake (real time)', () => {
  const store = new InMemoryStore();
  let n = 0;
  lockSuite({ repo: () => fakeRepository({ store, keyPrefix: `suite${n++}:` }) });
});
