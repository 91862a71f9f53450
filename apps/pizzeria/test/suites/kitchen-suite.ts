import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { KitchenQueueService } from '../../src/services/kitchen-queue-service.js';
import type { SuiteContext } from '../pizzeria-fixture.js';

/** KitchenQueueService: the priority line, the consumer-group stream, the processing hash. */
export function kitchenSuite(ctx: SuiteContext): void {
  describe('KitchenQueueService', () => {
    it('hands out the highest priority first and, within a priority, the oldest', async () => {
      const fixture = ctx.fixture();
      const { kitchen } = fixture.services;
      await kitchen.addOrderToQueue('o-1', 0);
      await fixture.advance(10);
      await kitchen.addOrderToQueue('o-2', 5);
      await fixture.advance(10);
      await kitchen.addOrderToQueue('o-3', 0);
      await fixture.advance(10);
      await kitchen.addOrderToQueue('o-4', 5);
      expect((await kitchen.peekQueue()).map((queued) => [queued.orderId, queued.priority])).toEqual([
        ['o-2', 5],
        ['o-4', 5],
        ['o-1', 0],
        ['o-3', 0],
      ]);
      const taken: string[] = [];
      for (let t = await kitchen.getNextOrder('s1'); t !== null; t = await kitchen.getNextOrder('s1')) {
        taken.push(t.orderId);
      }
      expect(taken).toEqual(['o-2', 'o-4', 'o-1', 'o-3']);
    });

    it('keeps one entry and its place in line when an order is queued twice', async () => {
      const fixture = ctx.fixture();
      const { kitchen } = fixture.services;
      expect(await kitchen.addOrderToQueue('o-1', 1)).toBe(true);
      const [queued] = await kitchen.peekQueue();
      await fixture.advance(5_000);
      expect(await kitchen.addOrderToQueue('o-1', 1)).toBe(false);
      expect(await kitchen.peekQueue()).toEqual([queued]);
    });

    it('never gives one order to two stations: XREADGROUP hands each entry to one consumer', async () => {
      const { services, repository } = ctx.fixture();
      const { kitchen } = services;
      for (let i = 0; i < 5; i++) await kitchen.addOrderToQueue(`o-${i}`, i % 3);
      const tickets = await Promise.all(Array.from({ length: 12 }, (_, i) => kitchen.getNextOrder(`s${i}`)));
      const taken = tickets.filter((ticket) => ticket !== null).map((ticket) => ticket.orderId);
      expect(taken.sort()).toEqual(['o-0', 'o-1', 'o-2', 'o-3', 'o-4']);
      expect(await repository.hlen(KitchenQueueService.PROCESSING_KEY)).toBe(5);
      expect(await kitchen.queueLength()).toBe(0);
    });

    it('records the station and times in the processing hash, and clears them on completion', async () => {
      const fixture = ctx.fixture();
      const { kitchen } = fixture.services;
      await kitchen.addOrderToQueue('o-9', 3);
      const queuedAt = new Date(fixture.clock.now()).toISOString();
      await fixture.advance(60_000);
      const ticket = await kitchen.getNextOrder('oven-2');
      expect(ticket).toEqual({
        orderId: 'o-9',
        priority: 3,
        queuedAt,
        kitchenStation: 'oven-2',
        startedAt: new Date(fixture.clock.now()).toISOString(),
        entryId: expect.stringMatching(/^\d+-\d+$/),
      });
      expect(await kitchen.inProgress()).toEqual([ticket]);
      expect(await kitchen.completeOrderProcessing('o-9')).toBe(true);
      expect(await kitchen.completeOrderProcessing('o-9')).toBe(false);
      expect(await kitchen.inProgress()).toEqual([]);
    });

    it('reclaims an order whose station died before completing it, once it has been idle long enough', async () => {
      const fixture = ctx.fixture();
      const kitchen = new KitchenQueueService(fixture.repository, {
        clock: fixture.clock,
        reclaimAfter: 100,
      });
      await kitchen.addOrderToQueue('o-1', 1);
      const lost = (await kitchen.getNextOrder('dead-station'))!;
      expect(await kitchen.getNextOrder('live-station')).toBeNull();
      expect(await kitchen.pendingCount()).toBe(1);
      await fixture.advance(150);
      if (!fixture.exact) await sleep(150); // a real server idles by its own clock
      const reclaimed = await kitchen.getNextOrder('live-station');
      expect(reclaimed).toMatchObject({
        orderId: 'o-1',
        entryId: lost.entryId,
        kitchenStation: 'live-station',
        reclaimed: true,
      });
      expect(await kitchen.completeOrderProcessing('o-1')).toBe(true);
      expect(await kitchen.pendingCount()).toBe(0);
      expect(await kitchen.getNextOrder('live-station')).toBeNull();
    });

    it('puts a ticket back at its original place', async () => {
      const fixture = ctx.fixture();
      const { kitchen } = fixture.services;
      await kitchen.addOrderToQueue('old', 1);
      await fixture.advance(10);
      await kitchen.addOrderToQueue('new', 1);
      const ticket = (await kitchen.getNextOrder('s1'))!;
      expect(ticket.orderId).toBe('old');
      await kitchen.requeue(ticket);
      expect((await kitchen.peekQueue()).map((queued) => queued.orderId)).toEqual(['old', 'new']);
      expect(await kitchen.inProgress()).toEqual([]);
    });
  });
}
