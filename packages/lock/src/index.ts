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
export { FairLock, type FairLockOptions } from './fair-lock.js';
export { LockLostError } from './lease.js';
export { type AcquireOptions, LockTimeoutError } from './lease-source.js';
export { LockNotReplicatedError } from './lease-store.js';
export { ReadWriteLock, type ReadWriteLockOptions } from './read-write-lock.js';
