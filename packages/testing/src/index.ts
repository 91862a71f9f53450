export {
  ChaosCacheRepository,
  type ChaosErrorFactory,
  type ChaosLatency,
  type ChaosOptions,
} from './chaos/index.js';
export { type Deferred, deferred } from './deferred.js';
export {
  InMemoryCacheRepository,
  type InMemoryCacheRepositoryOptions,
} from './in-memory/in-memory-cache-repository.js';
export {
  InMemoryEntityRepository,
  type InMemoryEntityRepositoryOptions,
} from './in-memory/in-memory-entity-repository.js';
export { InMemoryStore, type InMemoryStoreOptions } from './in-memory/in-memory-store.js';
export { ManualClock } from './in-memory/manual-clock.js';
