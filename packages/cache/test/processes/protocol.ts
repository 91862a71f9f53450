/** Messages between the multi-process tests (parent) and their worker processes, over fork IPC. */

/** How a worker connects: a standalone server's port, or Cluster startup nodes. */
export interface WorkerSettings {
  readonly port?: number;
  readonly nodes?: readonly { host: string; port: number }[];
  readonly keyPrefix: string;
}

/** Parent → worker. */
export type Command =
  | {
      readonly type: 'storm';
      readonly id: number;
      readonly key: string;
      readonly callers: number;
      readonly factoryMs: number;
    }
  | { readonly type: 'set'; readonly id: number; readonly key: string; readonly value: number }
  | { readonly type: 'get'; readonly id: number; readonly key: string }
  /** Polls `get(key)` until it answers `value`; replies with the monotonic time (ns) it did. */
  | { readonly type: 'watch'; readonly id: number; readonly key: string; readonly value: number }
  | { readonly type: 'stats'; readonly id: number }
  | { readonly type: 'stop' };

/** Worker → parent. */
export type Reply =
  | { readonly type: 'ready' }
  | { readonly type: 'reply'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

/** What a storm reports. */
export interface StormResult {
  readonly factoryCalls: number;
  /** Callers that got the factory's value. */
  readonly answered: number;
}
