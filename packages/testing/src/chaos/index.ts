export { ChaosCacheRepository } from './chaos-cache-repository.js';
export type { ChaosErrorFactory, ChaosLatency, ChaosOptions } from './chaos-faults.js';
