import { Lease, type LeaseInit } from './lease.js';

/**
 * One of a semaphore's `limit` permits, returned by `DistributedSemaphore.acquire()`. It behaves
 * like a {@link Lock} (signal, deadline, renewal, idempotent release, `await using`) without a
 * fencing token: several holders share a semaphore, so there is no single order to fence by.
 */
export class SemaphorePermit extends Lease {
  /** @internal Created by `DistributedSemaphore`. */
  constructor(init: LeaseInit) {
    super(init);
  }
}
