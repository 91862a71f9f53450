/** Messages between the harness (parent) and its worker processes, over the fork IPC channel. */

/** Worker → parent. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'acquired'; readonly fencingToken: number }
  /** A semaphore permit's holder started its work (the parent may pause it now). */
  | { readonly type: 'holding' }
  | { readonly type: 'read'; readonly id: number; readonly fencingToken: number }
  | {
      readonly type: 'write';
      readonly id: number;
      readonly fencingToken: number;
      /** The value this holder read; the write is `base + 1`. */
      readonly base: number;
    }
  | { readonly type: 'stats'; readonly stats: WorkerStats }
  | ({ readonly type: 'released' } & HoldInterval);

/** The primitive a harness run exercises. */
export type HarnessPrimitive = 'lock' | 'fair' | 'read-write' | 'semaphore';

/**
 * One holding, timed by the worker on the machine's clock (`performance.timeOrigin + now()`, shared
 * by every process): from `acquire()` resolving to the `release()` call, so it lies inside the time
 * the lease was really held.
 */
export interface HoldInterval {
  /** `exclusive` (a mutex or write lock), `shared` (a read lock) or `permit` (a semaphore permit). */
  readonly kind: 'exclusive' | 'shared' | 'permit';
  readonly start: number;
  readonly end: number;
  /** The lease was still valid when released (`isHeld`): a holder paused past its lease is excluded. */
  readonly held: boolean;
}

/** Parent → worker. */
export type ParentMessage =
  | { readonly type: 'reply'; readonly id: number; readonly ok: boolean; readonly value: number }
  | { readonly type: 'stop' };

/** What a worker counted, sent once it stops. */
export interface WorkerStats {
  readonly acquisitions: number;
  readonly lockTimeouts: number;
  readonly backendErrors: number;
  readonly lostSignals: number;
}

/** Where a worker's repository connects: a standalone server's port, or a Cluster's nodes. */
export type RedisTarget =
  | { readonly port: number }
  | { readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }> };

/** Settings passed to each worker (as JSON in argv[2]). */
export interface WorkerSettings {
  readonly target: RedisTarget;
  /** Which Forno Redis driver the worker's repository runs on. */
  readonly driver: 'ioredis' | 'node-redis';
  readonly leaseMs: number;
  readonly maxSleepMs: number;
  readonly primitive: HarnessPrimitive;
  /** The semaphore's limit (`primitive: 'semaphore'`). */
  readonly limit: number;
}
