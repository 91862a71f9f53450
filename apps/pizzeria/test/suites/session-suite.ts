import { describe, expect, it } from 'vitest';
import { SessionNotFoundError, UnknownMenuItemError } from '../../src/domain/errors.js';
import { CustomerSessionService } from '../../src/services/customer-session-service.js';
import type { SuiteContext } from '../pizzeria-fixture.js';
import { expectTtlNear, ms, rejectionOf } from './expectations.js';

/** CustomerSessionService: hash per customer, 4 h TTL renewed by cart updates. */
export function sessionSuite(ctx: SuiteContext): void {
  describe('CustomerSessionService', () => {
    it('stores a session as a hash with snake_case field names, for 4 hours', async () => {
      const { services, repository, clock } = ctx.fixture();
      const session = await services.sessions.createCustomerSession('c1', {
        cartItems: [{ menuItemId: 'margherita', quantity: 2 }],
        preferences: { crust: 'thin' },
      });
      const now = new Date(clock.now()).toISOString();
      expect(session).toEqual({
        customerId: 'c1',
        loginTime: now,
        cartItems: [{ menuItemId: 'margherita', quantity: 2 }],
        preferences: { crust: 'thin' },
        lastActivity: now,
      });
      expect(await services.sessions.getCustomerSession('c1')).toEqual(session);
      expect((await repository.hkeys(CustomerSessionService.keyOf('c1'))).sort()).toEqual([
        'cart_items',
        'customer_id',
        'last_activity',
        'login_time',
        'preferences',
      ]);
      expectTtlNear(await services.sessions.sessionTtl('c1'), 4 * ms.hour);
    });

    it('replaces the cart, updates last activity and renews the 4 h TTL', async () => {
      const fixture = ctx.fixture();
      const { services } = fixture;
      await services.sessions.createCustomerSession('c2');
      await fixture.advance(3 * ms.hour);
      const updated = await services.sessions.updateCustomerCart('c2', [
        { menuItemId: 'diavola', quantity: 1 },
      ]);
      expect(updated.cartItems).toEqual([{ menuItemId: 'diavola', quantity: 1 }]);
      expect(updated.lastActivity).toBe(new Date(fixture.clock.now()).toISOString());
      expect(updated.loginTime).not.toBe(updated.lastActivity);
      expectTtlNear(await services.sessions.sessionTtl('c2'), 4 * ms.hour);
      expect(await services.sessions.getCustomerCart('c2')).toEqual([{ menuItemId: 'diavola', quantity: 1 }]);
    });

    it('has no cart and no session for an unknown customer, and refuses to update one', async () => {
      const { services, repository } = ctx.fixture();
      expect(await services.sessions.getCustomerSession('nobody')).toBeNull();
      expect(await services.sessions.getCustomerCart('nobody')).toBeNull();
      const error = await rejectionOf(
        services.sessions.updateCustomerCart('nobody', [{ menuItemId: 'marinara', quantity: 1 }]),
      );
      expect(error).toBeInstanceOf(SessionNotFoundError);
      expect(await repository.exists(CustomerSessionService.keyOf('nobody'))).toBe(false);
    });

    it('expires one TTL after the last activity (4 h on the fake clock, a short TTL on a real server)', async () => {
      const fixture = ctx.fixture();
      // A real server's TTLs follow its own clock: there the same behaviour is checked with a short TTL.
      const ttlMs = fixture.exact ? 4 * ms.hour : 300;
      const pass = async (ms: number) => {
        if (!fixture.exact) await new Promise((resolve) => setTimeout(resolve, ms));
        await fixture.advance(ms);
      };
      const sessions = new CustomerSessionService(fixture.repository, { ttl: ttlMs, clock: fixture.clock });
      await sessions.createCustomerSession('c3');
      await pass(ttlMs / 2);
      await sessions.updateCustomerCart('c3', [{ menuItemId: 'margherita', quantity: 1 }]);
      await pass(ttlMs - (fixture.exact ? 1 : 100));
      expect(await sessions.getCustomerSession('c3')).not.toBeNull();
      await pass(fixture.exact ? 1 : 250);
      expect(await sessions.getCustomerSession('c3')).toBeNull();
    });

    it('keeps the old session whole when its replacement cannot be stored (issue #13 item 10)', async () => {
      const { services } = ctx.fixture();
      const old = await services.sessions.createCustomerSession('c5', {
        cartItems: [{ menuItemId: 'funghi', quantity: 1 }],
        preferences: { crust: 'thin' },
      });
      let deep: Record<string, unknown> = { leaf: true };
      for (let i = 0; i < 20_000; i++) deep = { a: deep };
      for (const preferences of [{ x: Number.POSITIVE_INFINITY }, deep]) {
        await expect(services.sessions.createCustomerSession('c5', { preferences })).rejects.toThrow();
        expect(await services.sessions.getCustomerSession('c5')).toEqual(old);
        expectTtlNear(await services.sessions.sessionTtl('c5'), 4 * ms.hour);
      }
    });

    it('replaces every field of an existing session, keeping no field of the old one', async () => {
      const { services } = ctx.fixture();
      await services.sessions.createCustomerSession('c6', {
        cartItems: [{ menuItemId: 'funghi', quantity: 1 }],
        preferences: { crust: 'thin' },
      });
      const replaced = await services.sessions.createCustomerSession('c6');
      expect(replaced).toMatchObject({ cartItems: [], preferences: {} });
      expect(await services.sessions.getCustomerSession('c6')).toEqual(replaced);
    });

    it('refuses cart items that are not on the menu (issue #13 item 16)', async () => {
      const { services } = ctx.fixture();
      const hawaii = [{ menuItemId: 'hawaii', quantity: 1 }];
      const created = await rejectionOf(services.sessions.createCustomerSession('c7', { cartItems: hawaii }));
      expect(created).toBeInstanceOf(UnknownMenuItemError);
      expect(await services.sessions.getCustomerSession('c7')).toBeNull();
      await services.sessions.createCustomerSession('c7');
      const updated = await rejectionOf(services.sessions.updateCustomerCart('c7', hawaii));
      expect(updated).toBeInstanceOf(UnknownMenuItemError);
      expect(await services.sessions.getCustomerCart('c7')).toEqual([]);
    });

    it('ends a session', async () => {
      const { services } = ctx.fixture();
      await services.sessions.createCustomerSession('c4');
      expect(await services.sessions.endCustomerSession('c4')).toBe(true);
      expect(await services.sessions.endCustomerSession('c4')).toBe(false);
    });
  });
}
