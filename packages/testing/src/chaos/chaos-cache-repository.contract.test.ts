import { describeCacheRepositoryContract } from '../contract/index.js';
import { InMemoryCacheRepository } from '../in-memory/in-memory-cache-repository.js';
import { InMemoryStore } from '../in-memory/in-memory-store.js';
import { ManualClock } from '../in-memory/manual-clock.js';
import { ChaosCacheRepository } from './chaos-cache-repository.js';

const clock = new ManualClock();
const store = new InMemoryStore({ clock });

// Without faults the wrapper must be indistinguishable from what it wraps.
describeCacheRepositoryContract('chaos wrapper without faults', {
  createRepository: ({ keyPrefix, serializer }) =>
    new ChaosCacheRepository(new InMemoryCacheRepository({ store, keyPrefix, serializer }), { seed: 1 }),
  advanceTime: (ms) => clock.advance(ms),
});
