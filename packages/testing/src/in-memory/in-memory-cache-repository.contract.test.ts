import { CONTRACT_SERIALIZERS, describeCacheRepositoryContract } from '../contract/index.js';
import { InMemoryCacheRepository } from './in-memory-cache-repository.js';
import { InMemoryStore } from './in-memory-store.js';
import { ManualClock } from './manual-clock.js';

const clock = new ManualClock();
const store = new InMemoryStore({ clock });

describeCacheRepositoryContract('in-memory fake', {
  createRepository: ({ keyPrefix, serializer }) =>
    new InMemoryCacheRepository({ store, keyPrefix, serializer }),
  advanceTime: (ms) => clock.advance(ms),
  flushScripts: async () => store.scripts.clear(),
  serializers: CONTRACT_SERIALIZERS,
});
