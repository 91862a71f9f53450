import { describe } from 'vitest';
import { coherenceSuite } from '../test/coherence-suite.js';
import { loadSuite } from '../test/load-suite.js';
import { fakeWorld } from '../test/world.js';

describe('HybridCache on the in-memory fake: getOrSet', () => {
  loadSuite(fakeWorld);
});

describe('HybridCache on the in-memory fake: coherence, tags, namespaces', () => {
  coherenceSuite(fakeWorld);
});
