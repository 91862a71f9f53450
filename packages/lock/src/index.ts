export { DistributedLock, Lock } from './distributed-lock.js';
export {
  DistributedSemaphore,
  type DistributedSemaphoreOptions,
  SemaphorePermit,
} from './distributed-semaphore.js';
export { LockLostError, LockTimeoutError } from './errors.js';
export type { AcquireOptions } from './lease-source.js';
export type { DistributedLockOptions } from './options.js';
