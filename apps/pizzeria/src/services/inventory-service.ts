import { randomUUID } from 'node:crypto';
import {
  type CacheEventEmitter,
  type CacheRepository,
  type Clock,
  type Duration,
  isCacheError,
  type LockBackend,
  systemClock,
} from '@forno/core';
import { DistributedLock, type DistributedLockOptions, type Lock, LockTimeoutError } from '@forno/lock';
import type { InventoryStore } from '../db/ports.js';
import {
  ConcurrentUpdateError,
  hasCode,
  InsufficientInventoryError,
  NotFoundError,
} from '../domain/errors.js';
import type { Ingredient } from '../domain/types.js';

/** Options of {@link InventoryService}. */
export interface InventoryServiceOptions {
  /** Lease of an inventory lock (default 10 s); renewed while held. */
  readonly lockTimeout?: Duration;
  /** How long to wait for the lock before `ConcurrentUpdateError` (default `'10s'`). */
  readonly lockWaitTimeout?: Duration;
  /** Receives every lock's events, for metrics. */
  readonly lockEvents?: CacheEventEmitter;
  readonly clock?: Clock;
}

const STOCK_CACHE_TTL = '5m';
const FENCE_EPOCH_KEY = 'inventory:fence_epoch';

/** A fencing epoch: ordered by creation time (zero-padded ms), unique by its random tail. */
export function newFenceEpoch(now: number): string {
  return `${String(now).padStart(15, '0')}-${randomUUID()}`;
}

/**
 * The inventory half of order processing: each
 * ingredient's stock is read, checked and written under its own distributed lock
 * (`inventory_lock:<id>`), never below zero, and the write to the SQL source of truth carries the
 * lock's fencing token, so a holder whose lease ran out during a pause cannot overwrite a newer
 * holder's stock. The new stock is cached for reads (`inventory:stock:<id>`, 5 minutes).
 */
export class InventoryService {
  readonly #cache: CacheRepository & LockBackend;
  readonly #store: InventoryStore;
  readonly #lock: DistributedLockOptions;
  readonly #clock: Clock;
  #epoch: string | undefined;

  constructor(
    cache: CacheRepository & LockBackend,
    store: InventoryStore,
    options: InventoryServiceOptions = {},
  ) {
    this.#cache = cache;
    this.#store = store;
    this.#lock = {
      timeout: options.lockTimeout ?? '10s',
      waitTimeout: options.lockWaitTimeout ?? '10s',
      ...(options.lockEvents === undefined ? {} : { events: options.lockEvents }),
    };
    this.#clock = options.clock ?? systemClock;
  }

  /** Lock key of an ingredient (`inventory_lock:<id>`, under the `mario_pizzeria:` prefix). */
  static lockKeyOf(ingredientId: string): string {
    return `inventory_lock:${ingredientId}`;
  }

  /** Cache key of an ingredient's stock. */
  static stockKeyOf(ingredientId: string): string {
    return `inventory:stock:${ingredientId}`;
  }

  /**
   * Changes an ingredient's stock by `quantityChange` under its lock; returns the new stock.
   * Refuses to go below zero with `InsufficientInventoryError` (nothing written); a lock not
   * acquired within the wait timeout becomes a `ConcurrentUpdateError`; a stale fencing
   * token is refused by the database with `StaleFencingTokenError`.
   */
  async coordinateInventoryUpdate(ingredientId: string, quantityChange: number): Promise<number> {
    let lock: Lock;
    try {
      lock = await new DistributedLock(
        this.#cache,
        InventoryService.lockKeyOf(ingredientId),
        this.#lock,
      ).acquire();
    } catch (error) {
      if (!LockTimeoutError.is(error)) throw error;
      throw new ConcurrentUpdateError(`inventory update of ${ingredientId} failed due to concurrent access`, {
        cause: error,
      });
    }
    try {
      const ingredient = await this.#store.getIngredient(ingredientId);
      if (ingredient === null) throw new NotFoundError('ingredient', ingredientId);
      const next = ingredient.stock + quantityChange;
      if (next < 0) throw new InsufficientInventoryError(ingredientId, -quantityChange, ingredient.stock);
      const fenceEpoch = await this.#fenceEpoch();
      lock.throwIfLost();
      try {
        await this.#store.writeStock(ingredientId, {
          expected: ingredient.stock,
          next,
          fencingToken: lock.fencingToken,
          fenceEpoch,
        });
      } catch (error) {
        // Perhaps the cache lost its counters and has a new epoch: read it again next time.
        if (hasCode(error, 'E_STALE_FENCING_TOKEN')) this.#epoch = undefined;
        throw error;
      }
      await this.#cacheStock(ingredientId, next);
      return next;
    } finally {
      await lock.release();
    }
  }

  /** An ingredient's stock, from the cache (5 min) or the database; `null` when unknown. */
  async getIngredientStock(ingredientId: string): Promise<number | null> {
    const cached = await this.#cache.get<number>(InventoryService.stockKeyOf(ingredientId));
    if (cached !== null) return cached;
    const ingredient = await this.#store.getIngredient(ingredientId);
    if (ingredient === null) return null;
    await this.#cacheStock(ingredientId, ingredient.stock);
    return ingredient.stock;
  }

  /** Every ingredient with its stock, from the database. */
  async listInventory(): Promise<Ingredient[]> {
    return this.#store.listIngredients();
  }

  /**
   * The fencing epoch: an id stored beside the lock counters in the cache, created once. If the
   * cache loses its data (and with it the fencing counters, which then restart at 1), it gets a
   * newer epoch, and the database accepts the restarted tokens instead of refusing them forever.
   * Remembered per process, and read again after a write was refused as stale (fail safe: until
   * then, a lost counter means refused writes, never accepted stale ones).
   */
  async #fenceEpoch(): Promise<string> {
    if (this.#epoch !== undefined) return this.#epoch;
    let epoch = await this.#cache.get<string>(FENCE_EPOCH_KEY);
    if (epoch === null) {
      await this.#cache.set(FENCE_EPOCH_KEY, newFenceEpoch(this.#clock.now()), { nx: true });
      epoch = await this.#cache.get<string>(FENCE_EPOCH_KEY);
      if (epoch === null) throw new ConcurrentUpdateError('the fencing epoch vanished while it was created');
    }
    this.#epoch = epoch;
    return epoch;
  }

  async #cacheStock(ingredientId: string, stock: number): Promise<void> {
    try {
      await this.#cache.set(InventoryService.stockKeyOf(ingredientId), stock, { ttl: STOCK_CACHE_TTL });
    } catch (error) {
      // The database has the truth; a stale cached figure expires within 5 minutes.
      if (!isCacheError(error)) throw error;
    }
  }
}
