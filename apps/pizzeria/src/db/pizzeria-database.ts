import { type Clock, systemClock } from '@forno/core';
import {
  ConcurrentUpdateError,
  InvalidInputError,
  NotFoundError,
  StaleFencingTokenError,
} from '../domain/errors.js';
import type { Ingredient, MenuItem, MenuItemPatch } from '../domain/types.js';
import type { PizzeriaStore, StockWrite } from './ports.js';
import { SEED_INGREDIENTS, SEED_MENU } from './seed-data.js';
import { SqlFile } from './sql-file.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS menu_items (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  description TEXT NOT NULL,
  price       REAL NOT NULL,
  ingredients TEXT NOT NULL,            -- JSON: ingredient id -> units per pizza
  available   INTEGER NOT NULL DEFAULT 1,
  updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ingredients (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  unit        TEXT NOT NULL,
  stock       INTEGER NOT NULL,
  fence_epoch TEXT,                     -- epoch of the fencing counter that issued last_fence (ordered)
  last_fence  INTEGER NOT NULL DEFAULT 0, -- highest fencing token that wrote this row
  updated_at  TEXT NOT NULL
);
`;

interface MenuRow {
  id: string;
  name: string;
  description: string;
  price: number;
  ingredients: string;
  available: number;
}

interface IngredientRow {
  id: string;
  name: string;
  unit: string;
  stock: number;
}

/** Options of {@link PizzeriaDatabase.open}. */
export interface PizzeriaDatabaseOptions {
  /** SQLite file, created if missing; `':memory:'` (the default) keeps nothing. */
  readonly path?: string;
  /** What to write on first start (default: Mario's menu and pantry). */
  readonly seed?: { readonly menu: readonly MenuItem[]; readonly ingredients: readonly Ingredient[] };
  readonly clock?: Clock;
}

/**
 * The SQL source of truth: the menu (cached by `MenuCacheService`) and the inventory (written by
 * `OrderProcessingService` under a distributed lock, with its fencing token). Seeds itself on
 * first start.
 */
export class PizzeriaDatabase implements PizzeriaStore {
  readonly #sql: SqlFile;
  readonly #clock: Clock;
  /** True when this open wrote the seed data (the database was empty). */
  readonly seeded: boolean;

  private constructor(sql: SqlFile, clock: Clock, seeded: boolean) {
    this.#sql = sql;
    this.#clock = clock;
    this.seeded = seeded;
  }

  /** Opens (and on first start creates and seeds) the database. */
  static async open(options: PizzeriaDatabaseOptions = {}): Promise<PizzeriaDatabase> {
    const sql = await SqlFile.open(options.path);
    const clock = options.clock ?? systemClock;
    sql.exec(SCHEMA);
    const count = sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM menu_items')?.n ?? 0;
    const seed = options.seed ?? { menu: SEED_MENU, ingredients: SEED_INGREDIENTS };
    if (count === 0) {
      const now = new Date(clock.now()).toISOString();
      sql.transaction(() => {
        for (const item of seed.menu) {
          sql.run(
            `INSERT INTO menu_items (id, name, description, price, ingredients, available, updated_at)
             VALUES ($id, $name, $description, $price, $ingredients, $available, $now)`,
            {
              $id: item.id,
              $name: item.name,
              $description: item.description,
              $price: item.price,
              $ingredients: JSON.stringify(item.ingredients),
              $available: item.available ? 1 : 0,
              $now: now,
            },
          );
        }
        for (const ingredient of seed.ingredients) {
          sql.run(
            `INSERT INTO ingredients (id, name, unit, stock, updated_at) VALUES ($id, $name, $unit, $stock, $now)
             ON CONFLICT (id) DO NOTHING`,
            {
              $id: ingredient.id,
              $name: ingredient.name,
              $unit: ingredient.unit,
              $stock: ingredient.stock,
              $now: now,
            },
          );
        }
      });
    }
    return new PizzeriaDatabase(sql, clock, count === 0);
  }

  /** The file the database is saved to, or `undefined` in memory. */
  get path(): string | undefined {
    return this.#sql.path;
  }

  async getMenuItem(id: string): Promise<MenuItem | null> {
    const row = this.#sql.get<MenuRow>('SELECT * FROM menu_items WHERE id = $id', { $id: id });
    return row === undefined ? null : toMenuItem(row);
  }

  async getMenuItems(ids: readonly string[]): Promise<(MenuItem | null)[]> {
    return Promise.all(ids.map((id) => this.getMenuItem(id)));
  }

  async listMenuItemIds(): Promise<string[]> {
    return this.#sql.all<{ id: string }>('SELECT id FROM menu_items ORDER BY id').map((row) => row.id);
  }

  /**
   * Changes an item. A price that is not a finite number above 0 is refused (`InvalidInputError`):
   * the cached copies are JSON, which cannot hold Infinity, so one would break every later read.
   */
  async updateMenuItem(id: string, patch: MenuItemPatch): Promise<MenuItem | null> {
    if (patch.price !== undefined && !(Number.isFinite(patch.price) && patch.price > 0)) {
      throw new InvalidInputError('price', 'must be a finite number above 0');
    }
    const current = await this.getMenuItem(id);
    if (current === null) return null;
    const next = { ...current, ...patch };
    this.#sql.transaction(() =>
      this.#sql.run(
        `UPDATE menu_items SET name = $name, description = $description, price = $price,
         available = $available, updated_at = $now WHERE id = $id`,
        {
          $id: id,
          $name: next.name,
          $description: next.description,
          $price: next.price,
          $available: next.available ? 1 : 0,
          $now: this.#now(),
        },
      ),
    );
    return next;
  }

  async getIngredient(id: string): Promise<Ingredient | null> {
    const row = this.#sql.get<IngredientRow>('SELECT id, name, unit, stock FROM ingredients WHERE id = $id', {
      $id: id,
    });
    return row === undefined ? null : { ...row };
  }

  async listIngredients(): Promise<Ingredient[]> {
    return this.#sql.all<IngredientRow>('SELECT id, name, unit, stock FROM ingredients ORDER BY id');
  }

  /**
   * The fenced, conditional write. One UPDATE does it: it succeeds only if the row still holds
   * the stock the writer read AND the writer's fencing token is newer than the last one that wrote
   * the row (or the writer's fencing epoch is newer than the row's). The token is what stops a
   * stale lock holder — one whose lease ran out during a pause while another process took the lock
   * and wrote — from overwriting newer stock; the expected-stock condition closes the remaining
   * window where the stale write lands between the new holder's read and its write.
   */
  async writeStock(id: string, write: StockWrite): Promise<void> {
    if (!Number.isSafeInteger(write.next) || write.next < 0) {
      throw new RangeError(`refusing to write stock ${write.next} for ${id}: stock never goes negative`);
    }
    this.#sql.transaction(() => {
      const changed = this.#sql.run(
        `UPDATE ingredients
            SET stock = $next, fence_epoch = $epoch, last_fence = $token, updated_at = $now
          WHERE id = $id AND stock = $expected
            AND (fence_epoch IS NULL OR fence_epoch < $epoch OR (fence_epoch = $epoch AND last_fence < $token))`,
        {
          $id: id,
          $next: write.next,
          $expected: write.expected,
          $epoch: write.fenceEpoch,
          $token: write.fencingToken,
          $now: this.#now(),
        },
      );
      if (changed === 1) return;
      const row = this.#sql.get<{ stock: number; fence_epoch: string | null; last_fence: number }>(
        'SELECT stock, fence_epoch, last_fence FROM ingredients WHERE id = $id',
        { $id: id },
      );
      if (row === undefined) throw new NotFoundError('ingredient', id);
      const epoch = row.fence_epoch ?? '';
      if (epoch > write.fenceEpoch || (epoch === write.fenceEpoch && row.last_fence >= write.fencingToken)) {
        throw new StaleFencingTokenError(id, write.fencingToken, row.last_fence);
      }
      throw new ConcurrentUpdateError(
        `stock of ${id} changed from ${write.expected} to ${row.stock} since it was read`,
      );
    });
  }

  /** The fencing state of an ingredient row (for tests and the simulation's report). */
  fenceOf(id: string): { epoch: string | null; lastFence: number } | null {
    const row = this.#sql.get<{ fence_epoch: string | null; last_fence: number }>(
      'SELECT fence_epoch, last_fence FROM ingredients WHERE id = $id',
      { $id: id },
    );
    return row === undefined ? null : { epoch: row.fence_epoch, lastFence: row.last_fence };
  }

  /** Saves and closes the database. */
  close(): void {
    this.#sql.close();
  }

  #now(): string {
    return new Date(this.#clock.now()).toISOString();
  }
}

function toMenuItem(row: MenuRow): MenuItem {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    price: row.price,
    ingredients: JSON.parse(row.ingredients) as Record<string, number>,
    available: row.available === 1,
  };
}
