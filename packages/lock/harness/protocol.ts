/** Messages between the harness (parent) and its worker processes, over the fork IPC channel. */

/** Worker → parent. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'acquired'; readonly fencingToken: number }
  | { readonly type: 'read'; readonly id: number; readonly fencingToken: number }
  | {
      readonly type: 'write';
      readonly id: number;
      readonly fencingToken: number;
      /** The value this holder read; the write is `base + 1`. */
      readonly base: number;
    }
  | { readonly type: 'stats'; readonly stats: WorkerStats };

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
}
