export type { InvalidationListener, InvalidationSource } from './bus/invalidation-source.js';
export type {
  HybridCacheEventMap,
  HybridCacheEventName,
  HybridCacheListener,
  HybridCacheStats,
  StaleReason,
} from './cache-events.js';
export { CacheClosedError, FactoryTimeoutError } from './errors.js';
export { HybridCache, type SetEntryOptions, type SourcedValue } from './hybrid-cache.js';
export type { BatchFactory, BatchFactoryContext, Factory, FactoryContext } from './load/factory-context.js';
export type {
  BusOptions,
  EntryOptions,
  HybridCacheOptions,
  L1Options,
  StampedeMode,
} from './options.js';
