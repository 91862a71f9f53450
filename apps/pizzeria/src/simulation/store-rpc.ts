import type { ChildProcess } from 'node:child_process';
import type { PizzeriaStore, StockWrite } from '../db/ports.js';
import { PizzeriaError } from '../domain/errors.js';
import type { Ingredient, MenuItem, MenuItemPatch } from '../domain/types.js';

/**
 * The simulation's shared database. Worker processes are separate app instances, so they cannot
 * share an in-memory SQLite; the parent process owns the one database and serves it to the
 * workers over the IPC channel `fork()` opens — the parent plays the database server. Each call is
 * applied by the parent in arrival order, one at a time, just like statements on a real server.
 */

const METHODS = [
  'getMenuItem',
  'getMenuItems',
  'listMenuItemIds',
  'updateMenuItem',
  'getIngredient',
  'listIngredients',
  'writeStock',
] as const satisfies readonly (keyof PizzeriaStore)[];

type Method = (typeof METHODS)[number];

/** A call from a worker. */
export interface StoreRequest {
  readonly type: 'store';
  readonly id: number;
  readonly method: Method;
  readonly args: unknown[];
}

/** The parent's answer. */
export type StoreReply =
  | { readonly type: 'store-reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly type: 'store-reply';
      readonly id: number;
      readonly ok: false;
      readonly error: { name: string; message: string; code?: string; statusCode?: number };
    };

function isStoreRequest(message: unknown): message is StoreRequest {
  const m = message as Partial<StoreRequest> | null;
  return m?.type === 'store' && typeof m.id === 'number' && METHODS.includes(m.method as Method);
}

/** Serves `store` to a worker; returns a function that stops serving. */
export function serveStore(store: PizzeriaStore, child: ChildProcess): () => void {
  const onMessage = (message: unknown) => {
    if (!isStoreRequest(message)) return;
    const call = store[message.method] as (...args: unknown[]) => Promise<unknown>;
    call.apply(store, message.args).then(
      (value) => reply({ type: 'store-reply', id: message.id, ok: true, value: value ?? null }),
      (error: unknown) => {
        const e = error as Partial<PizzeriaError> & Error;
        reply({
          type: 'store-reply',
          id: message.id,
          ok: false,
          error: {
            name: e.name,
            message: e.message,
            ...(typeof e.code === 'string' ? { code: e.code } : {}),
            ...(typeof e.statusCode === 'number' ? { statusCode: e.statusCode } : {}),
          },
        });
      },
    );
  };
  const reply = (answer: StoreReply) => {
    if (child.connected) child.send(answer);
  };
  child.on('message', onMessage);
  return () => child.off('message', onMessage);
}

/** The worker's side: a {@link PizzeriaStore} whose calls go to the parent. */
export class RemoteStore implements PizzeriaStore {
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  #nextId = 1;

  constructor() {
    if (typeof process.send !== 'function') throw new Error('RemoteStore needs an IPC channel (fork)');
    process.on('message', (message: unknown) => {
      const answer = message as Partial<StoreReply> | null;
      if (answer?.type !== 'store-reply' || typeof answer.id !== 'number') return;
      const pending = this.#pending.get(answer.id);
      if (pending === undefined) return;
      this.#pending.delete(answer.id);
      if (answer.ok === true) pending.resolve(answer.value);
      else if (answer.ok === false) pending.reject(rebuild(answer.error));
    });
  }

  /** Stops listening, so the worker can exit. */
  close(): void {
    process.removeAllListeners('message');
    if (process.connected) process.disconnect();
  }

  getMenuItem(id: string): Promise<MenuItem | null> {
    return this.#call('getMenuItem', [id]);
  }

  getMenuItems(ids: readonly string[]): Promise<(MenuItem | null)[]> {
    return this.#call('getMenuItems', [ids]);
  }

  listMenuItemIds(): Promise<string[]> {
    return this.#call('listMenuItemIds', []);
  }

  updateMenuItem(id: string, patch: MenuItemPatch): Promise<MenuItem | null> {
    return this.#call('updateMenuItem', [id, patch]);
  }

  getIngredient(id: string): Promise<Ingredient | null> {
    return this.#call('getIngredient', [id]);
  }

  listIngredients(): Promise<Ingredient[]> {
    return this.#call('listIngredients', []);
  }

  writeStock(id: string, write: StockWrite): Promise<void> {
    return this.#call('writeStock', [id, write]);
  }

  #call<T>(method: Method, args: unknown[]): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const request: StoreRequest = { type: 'store', id, method, args };
      process.send!(request);
    });
  }
}

function rebuild(
  error: { name: string; message: string; code?: string; statusCode?: number } | undefined,
): Error {
  if (error === undefined) return new Error('store call failed');
  if (error.code !== undefined) return new PizzeriaError(error.code, error.statusCode ?? 500, error.message);
  if (error.name === 'RangeError') return new RangeError(error.message);
  return new Error(error.message);
}
