import { setTimeout as sleep } from 'node:timers/promises';
import { DistributedLock, LockTimeoutError } from '@forno/lock';
import { describe, expect, it } from 'vitest';
import {
  ConcurrentUpdateError,
  InsufficientInventoryError,
  OrderExistsError,
  StaleFencingTokenError,
  UnknownMenuItemError,
} from '../../src/domain/errors.js';
import { InventoryService } from '../../src/services/inventory-service.js';
import { OrderStateError } from '../../src/services/order-processing-service.js';
import type { PizzeriaFixture, SuiteContext } from '../pizzeria-fixture.js';
import { rejectionOf } from './expectations.js';

async function stockOf(fixture: PizzeriaFixture, id: string): Promise<number> {
  return (await fixture.database.getIngredient(id))!.stock;
}

async function placeAndProcess(fixture: PizzeriaFixture, menuItemId: string, quantity = 1, priority = 0) {
  const order = await fixture.services.orders.placeOrder({
    customerId: 'c1',
    lines: [{ menuItemId, quantity }],
    priority,
  });
  return fixture.services.orders.processOrderSafely(order.id);
}

/** OrderProcessingService: processed once, stock never negative, stale holders fenced off. */
export function orderSuite(ctx: SuiteContext): void {
  describe('OrderProcessingService', () => {
    it('places a priced order, then reserves its ingredients and queues it for the kitchen', async () => {
      const fixture = ctx.fixture();
      const { orders, kitchen } = fixture.services;
      const before = await stockOf(fixture, 'mozzarella');
      const order = await orders.placeOrder({
        customerId: 'c1',
        lines: [
          { menuItemId: 'margherita', quantity: 2 },
          { menuItemId: 'pepperoni', quantity: 1 },
        ],
      });
      expect(order).toMatchObject({ status: 'pending', total: 41.97 });
      const result = await orders.processOrderSafely(order.id);
      expect(result.outcome).toBe('processed');
      expect(result.order.status).toBe('queued');
      expect(result.order.reserved).toEqual({
        basil: 2,
        dough: 3,
        mozzarella: 6,
        pepperoni: 2,
        tomato_sauce: 3,
      });
      expect(await stockOf(fixture, 'mozzarella')).toBe(before - 6);
      expect(await fixture.services.inventory.getIngredientStock('mozzarella')).toBe(before - 6);
      expect((await kitchen.peekQueue()).map((queued) => queued.orderId)).toEqual([order.id]);
    });

    it('processes an order once, however often and however concurrently it is delivered', async () => {
      const fixture = ctx.fixture();
      const { orders } = fixture.services;
      const before = await stockOf(fixture, 'dough');
      const order = await orders.placeOrder({
        customerId: 'c1',
        lines: [{ menuItemId: 'marinara', quantity: 1 }],
      });
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () => orders.processOrderSafely(order.id)),
      );
      expect(outcomes.map((result) => result.outcome).sort()).toEqual([
        'already-processed',
        'already-processed',
        'already-processed',
        'already-processed',
        'processed',
      ]);
      expect((await orders.processOrderSafely(order.id)).outcome).toBe('already-processed');
      expect(await stockOf(fixture, 'dough')).toBe(before - 1);
      expect(await fixture.services.kitchen.queueLength()).toBe(1);
    });

    it('never takes stock below zero: concurrent decrements past the stock are refused', async () => {
      const fixture = ctx.fixture();
      const { orders } = fixture.services;
      const before = await stockOf(fixture, 'artichokes');
      await orders.coordinateInventoryUpdate('artichokes', -(before - 10));
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => orders.coordinateInventoryUpdate('artichokes', -1)),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(InsufficientInventoryError);
      }
      expect(await stockOf(fixture, 'artichokes')).toBe(0);
      expect(await fixture.services.inventory.getIngredientStock('artichokes')).toBe(0);
    });

    it('rejects an order it cannot serve and gives back what it had already taken', async () => {
      const fixture = ctx.fixture();
      const { orders, kitchen } = fixture.services;
      await orders.coordinateInventoryUpdate('olives', -(await stockOf(fixture, 'olives')));
      const before = await fixture.database.listIngredients();
      const result = await placeAndProcess(fixture, 'quattro_stagioni');
      expect(result.outcome).toBe('rejected');
      expect(result.order.rejectionReason).toMatch(/olives/);
      expect(await fixture.database.listIngredients()).toEqual(before);
      expect(await kitchen.queueLength()).toBe(0);
      expect((await orders.processOrderSafely(result.order.id)).outcome).toBe('already-processed');
    });

    it('refuses an order id that exists already with OrderExistsError (409), keeping the first order', async () => {
      const { orders } = ctx.fixture().services;
      const lines = [{ menuItemId: 'funghi', quantity: 1 }];
      const first = await orders.placeOrder({ customerId: 'c1', lines, orderId: 'o-dup' });
      const again = await rejectionOf(orders.placeOrder({ customerId: 'c2', lines, orderId: 'o-dup' }));
      expect(again).toBeInstanceOf(OrderExistsError);
      expect(again).toMatchObject({ statusCode: 409, code: 'E_ORDER_EXISTS' });
      expect(await orders.getOrder('o-dup')).toEqual(first);
    });

    it('refuses an unknown or unavailable pizza when the order is placed', async () => {
      const fixture = ctx.fixture();
      const { orders } = fixture.services;
      const lines = [{ menuItemId: 'hawaii', quantity: 1 }];
      expect(await rejectionOf(orders.placeOrder({ customerId: 'c1', lines }))).toBeInstanceOf(
        UnknownMenuItemError,
      );
      await fixture.database.updateMenuItem('funghi', { available: false });
      await fixture.services.menuCache.invalidateMenuCache('funghi');
      const error = await rejectionOf(
        orders.placeOrder({ customerId: 'c1', lines: [{ menuItemId: 'funghi', quantity: 1 }] }),
      );
      expect(error).toBeInstanceOf(UnknownMenuItemError);
    });

    it('refuses the stock write of a holder whose lease ran out, by its fencing token', async () => {
      const fixture = ctx.fixture();
      const key = InventoryService.lockKeyOf('basil');
      const stale = await new DistributedLock(fixture.repository, key, {
        timeout: '300ms',
        autoExtend: false,
      }).acquire();
      const before = await stockOf(fixture, 'basil');
      // The holder pauses (GC, a frozen VM) past its lease...
      if (fixture.exact) await fixture.advance(400);
      else await sleep(400);
      // ...another process takes the lock and writes...
      expect(await fixture.services.orders.coordinateInventoryUpdate('basil', -5)).toBe(before - 5);
      // ...and the first holder wakes up and writes what it computed, with its old token.
      const fenceEpoch = (await fixture.repository.get<string>('inventory:fence_epoch'))!;
      const error = await rejectionOf(
        fixture.database.writeStock('basil', {
          expected: before - 5,
          next: before - 1,
          fencingToken: stale.fencingToken,
          fenceEpoch,
        }),
      );
      expect(error).toBeInstanceOf(StaleFencingTokenError);
      expect(await stockOf(fixture, 'basil')).toBe(before - 5);
      expect(await stale.release()).toBe(false);
    });

    it('turns an inventory lock it cannot get in time into a ConcurrentUpdateError', async () => {
      const fixture = await ctx.create({ lockWaitTimeout: '150ms' });
      try {
        const key = InventoryService.lockKeyOf('garlic');
        await using _held = await new DistributedLock(fixture.repository, key).acquire();
        const error = await rejectionOf(fixture.services.orders.coordinateInventoryUpdate('garlic', -1));
        expect(error).toBeInstanceOf(ConcurrentUpdateError);
        expect(LockTimeoutError.is((error as Error).cause)).toBe(true);
        expect(fixture.services.monitor.locks.timeouts).toBe(1);
      } finally {
        await fixture.close();
      }
    });

    it('cooks by priority, then by age, and completes each order once', async () => {
      const fixture = ctx.fixture();
      const { orders, kitchen } = fixture.services;
      const first = await placeAndProcess(fixture, 'margherita', 1, 0);
      await fixture.advance(1_000);
      const urgent = await placeAndProcess(fixture, 'diavola', 1, 2);
      await fixture.advance(1_000);
      const last = await placeAndProcess(fixture, 'funghi', 1, 0);

      const cooked: string[] = [];
      for (
        let next = await orders.startNextOrder('oven-1');
        next !== null;
        next = await orders.startNextOrder('oven-1')
      ) {
        expect(next.order.status).toBe('cooking');
        expect(next.ticket.kitchenStation).toBe('oven-1');
        cooked.push(next.order.id);
      }
      expect(cooked).toEqual([urgent.order.id, first.order.id, last.order.id]);
      expect(await kitchen.inProgress()).toHaveLength(3);

      const [a, b] = await Promise.all([
        orders.completeOrder(first.order.id),
        orders.completeOrder(first.order.id),
      ]);
      expect([a.completed, b.completed].sort()).toEqual([false, true]);
      expect(a.order.status).toBe('completed');
      expect((await kitchen.inProgress()).map((ticket) => ticket.orderId).sort()).toEqual(
        [urgent.order.id, last.order.id].sort(),
      );
    });

    it('refuses to complete an order that is not cooking', async () => {
      const fixture = ctx.fixture();
      const queued = await placeAndProcess(fixture, 'marinara');
      expect(await rejectionOf(fixture.services.orders.completeOrder(queued.order.id))).toBeInstanceOf(
        OrderStateError,
      );
    });

    it('counts accepted orders in the analytics', async () => {
      const fixture = ctx.fixture();
      await placeAndProcess(fixture, 'margherita', 2);
      expect(await fixture.services.analytics.getTopPizzas()).toEqual([
        { name: 'margherita', orderCount: 2 },
      ]);
      expect(await fixture.services.analytics.getHourlyDistribution()).toEqual({ 12: 1 });
    });
  });
}
