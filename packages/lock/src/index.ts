export {
  DistributedLock,
  type DistributedLockOptions,
  type DurabilityOptions,
  Lock,
  type LockDurability,
  LockSource,
} from './distributed-lock.js';
export {
  DistributedSemaphore,
  type DistributedSemaphoreOptions,
  SemaphorePermit,
} from './distributed-semaphore.js';
export { LockLostError, LockNotReplicatedError, LockTimeoutError } from './errors.js';
export { FairLock, type FairLockOptions } from './fair-lock.js';
export type { AcquireOptions } from './lease-source.js';
export { ReadWriteLock, type ReadWriteLockOptions } from './read-write-lock.js';
