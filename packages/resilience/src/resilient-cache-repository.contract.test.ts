import { InMemoryCacheRepository, InMemoryStore, ManualClock } from '@forno/testing';
import { describeCacheRepositoryContract } from '@forno/testing/contract';
import { CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import { ResilientCacheRepository } from './resilient-cache-repository.js';

const clock = new ManualClock();
const store = new InMemoryStore({ clock });

// Fully armed, the wrapper must still be indistinguishable from what it wraps while the backend is up.
describeCacheRepositoryContract('ResilientCacheRepository over the in-memory fake', {
  createRepository: ({ keyPrefix, serializer }) =>
    new ResilientCacheRepository(new InMemoryCacheRepository({ store, keyPrefix, serializer }), {
      breaker: new CircuitBreakerPolicy({ failureThreshold: 5, recoveryTimeout: '1s', successThreshold: 3 }),
      timeout: '2s',
      fallback: { max: 100 },
    }),
  advanceTime: (ms) => clock.advance(ms),
});
