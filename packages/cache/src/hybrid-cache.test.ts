import { describe } from 'vitest';
import { coherenceSuite } from './test-support/coherence-suite.js';
import { loadSuite } from './test-support/load-suite.js';
import { fakeWorld } from './test-support/world.js';

describe('HybridCache on the in-memory fake: getOrSet', () => {
  loadSuite(fakeWorld);
});

describe('HybridCache on the in-memory fake: coherence, tags, namespaces', () => {
  coherenceSuite(fakeWorld);
});
