import type { Ingredient, MenuItem, MenuItemPatch } from '../domain/types.js';

/**
 * The menu's source of truth (the menu database). Asynchronous, so that it can live in
 * this process (`PizzeriaDatabase`) or behind a connection (the simulation's shared database).
 */
export interface MenuSource {
  /** One item, or `null`. */
  getMenuItem(id: string): Promise<MenuItem | null>;
  /** Several items, in the order of `ids`, `null` where missing. */
  getMenuItems(ids: readonly string[]): Promise<(MenuItem | null)[]>;
  /** Ids of every item, sorted. */
  listMenuItemIds(): Promise<string[]>;
  /** Changes an item; returns it, or `null` when it does not exist. */
  updateMenuItem(id: string, patch: MenuItemPatch): Promise<MenuItem | null>;
}

/** A conditional stock write: see {@link InventoryStore.writeStock}. */
export interface StockWrite {
  /** The stock the writer read; the write is refused if it changed since. */
  readonly expected: number;
  /** The new stock. */
  readonly next: number;
  /** Fencing token of the inventory lock the writer holds. */
  readonly fencingToken: number;
  /**
   * Identity of the lock service's fencing counters, ordered by creation time (it starts with a
   * zero-padded timestamp). Tokens are only comparable within one epoch: when Redis loses the
   * counters (a flush, a restart without persistence) a newer epoch is created and the stored token
   * is reset, instead of every writer being refused forever; a write from an older epoch is stale.
   */
  readonly fenceEpoch: string;
}

/** The inventory's source of truth: stock per ingredient, written only with a fencing token. */
export interface InventoryStore {
  /** One ingredient, or `null`. */
  getIngredient(id: string): Promise<Ingredient | null>;
  /** Every ingredient, sorted by id. */
  listIngredients(): Promise<Ingredient[]>;
  /**
   * Writes `next` as the stock of `id` only if the stock is still `expected` and `fencingToken` is
   * newer than the last token that wrote it (in the same epoch; any token of a newer epoch). Throws `StaleFencingTokenError`
   * when a newer holder has written, `ConcurrentUpdateError` when the stock changed meanwhile,
   * `NotFoundError` for an unknown ingredient. A negative `next` is refused with a `RangeError`:
   * the service checks first, this is the last line of defence.
   */
  writeStock(id: string, write: StockWrite): Promise<void>;
}

/** Everything the pizzeria keeps in SQL. */
export type PizzeriaStore = MenuSource & InventoryStore;
