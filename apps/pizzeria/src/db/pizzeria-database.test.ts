import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConcurrentUpdateError,
  InvalidInputError,
  NotFoundError,
  StaleFencingTokenError,
} from '../domain/errors.js';
import { newFenceEpoch } from '../services/inventory-service.js';
import { PizzeriaDatabase } from './pizzeria-database.js';
import { SEED_INGREDIENTS, SEED_MENU } from './seed-data.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pizzeria-db-'));
  dirs.push(dir);
  return join(dir, 'data', 'pizzeria.db');
}

describe('PizzeriaDatabase', () => {
  it('seeds the menu and the pantry on first start, and only then', async () => {
    const path = await tempPath();
    const first = await PizzeriaDatabase.open({ path });
    expect(first.seeded).toBe(true);
    expect(await first.listMenuItemIds()).toHaveLength(SEED_MENU.length);
    await first.updateMenuItem('margherita', { price: 9.5 });
    first.close();

    const second = await PizzeriaDatabase.open({ path });
    expect(second.seeded).toBe(false);
    expect((await second.getMenuItem('margherita'))?.price).toBe(9.5);
    expect(await second.listIngredients()).toHaveLength(SEED_INGREDIENTS.length);
    second.close();
  });

  it('reads menu items with their ingredients, null when missing', async () => {
    const db = await PizzeriaDatabase.open();
    expect(await db.getMenuItem('diavola')).toEqual(SEED_MENU.find((item) => item.id === 'diavola'));
    expect(await db.getMenuItems(['funghi', 'nope'])).toEqual([
      SEED_MENU.find((i) => i.id === 'funghi'),
      null,
    ]);
    expect(await db.updateMenuItem('nope', { price: 1 })).toBeNull();
  });

  it('refuses a price that is not a finite number above 0 (issue #13 item 9), writing nothing', async () => {
    const db = await PizzeriaDatabase.open();
    for (const price of [Number.POSITIVE_INFINITY, Number.NaN, -1, 0]) {
      await expect(db.updateMenuItem('margherita', { price })).rejects.toBeInstanceOf(InvalidInputError);
    }
    expect((await db.getMenuItem('margherita'))?.price).toBe(12.99);
  });

  describe('writeStock', () => {
    const write = (expected: number, next: number, fencingToken: number, fenceEpoch = 'e1') => ({
      expected,
      next,
      fencingToken,
      fenceEpoch,
    });

    it('writes when the token is newer and the stock is as read', async () => {
      const db = await PizzeriaDatabase.open();
      await db.writeStock('basil', write(200, 190, 1));
      await db.writeStock('basil', write(190, 185, 7));
      expect((await db.getIngredient('basil'))?.stock).toBe(185);
      expect(db.fenceOf('basil')).toEqual({ epoch: 'e1', lastFence: 7 });
    });

    it('refuses a token that is not newer than the last one: a stale lock holder', async () => {
      const db = await PizzeriaDatabase.open();
      await db.writeStock('basil', write(200, 190, 5));
      await expect(db.writeStock('basil', write(190, 180, 5))).rejects.toBeInstanceOf(StaleFencingTokenError);
      await expect(db.writeStock('basil', write(190, 180, 4))).rejects.toThrow(
        /fencing token 4 is not newer than 5/,
      );
      expect((await db.getIngredient('basil'))?.stock).toBe(190);
    });

    it('refuses a write when the stock changed since it was read', async () => {
      const db = await PizzeriaDatabase.open();
      await expect(db.writeStock('basil', write(199, 190, 1))).rejects.toBeInstanceOf(ConcurrentUpdateError);
      expect((await db.getIngredient('basil'))?.stock).toBe(200);
    });

    it('accepts restarted tokens in a newer fencing epoch (the cache lost its counters), not in an older one', async () => {
      const db = await PizzeriaDatabase.open();
      await db.writeStock('basil', write(200, 190, 900, '2026-a'));
      await db.writeStock('basil', write(190, 189, 1, '2026-b'));
      expect(db.fenceOf('basil')).toEqual({ epoch: '2026-b', lastFence: 1 });
      await expect(db.writeStock('basil', write(189, 188, 1, '2026-b'))).rejects.toBeInstanceOf(
        StaleFencingTokenError,
      );
      await expect(db.writeStock('basil', write(189, 188, 901, '2026-a'))).rejects.toBeInstanceOf(
        StaleFencingTokenError,
      );
      expect((await db.getIngredient('basil'))?.stock).toBe(189);
    });

    it('orders fencing epochs by creation time', () => {
      expect(newFenceEpoch(9) < newFenceEpoch(10)).toBe(true);
      expect(newFenceEpoch(Date.UTC(2026, 0, 1)) < newFenceEpoch(Date.UTC(2027, 0, 1))).toBe(true);
      expect(newFenceEpoch(5)).not.toBe(newFenceEpoch(5));
    });

    it('never writes a negative stock, and names an unknown ingredient', async () => {
      const db = await PizzeriaDatabase.open();
      await expect(db.writeStock('basil', write(200, -1, 1))).rejects.toBeInstanceOf(RangeError);
      await expect(db.writeStock('saffron', write(0, 1, 1))).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});
