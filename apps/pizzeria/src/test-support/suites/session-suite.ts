import { describe, expect, it } from 'vitest';
import { SessionNotFoundError } from '../../domain/errors.js';
import { CustomerSessionService } from '../../services/customer-session-service.js';
import type { SuiteContext } from '../pizzeria-fixture.js';
import { expectTtlNear, ms, rejectionOf } from './expectations.js';

/** CustomerSessionService: hash per customer, 4 h TTL renewed by cart updates. */
export function sessionSuite(ctx: SuiteContext): void {
  describe('CustomerSessionService', () => {
    it('stores a session as a hash with the seed field names, for 4 hours', async () => {
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
      expect(await services.sessions.getCustomerCart('nobody')).toEqual([]);
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

    it('ends a session', async () => {
      const { services } = ctx.fixture();
      await services.sessions.createCustomerSession('c4');
      expect(await services.sessions.endCustomerSession('c4')).toBe(true);
      expect(await services.sessions.endCustomerSession('c4')).toBe(false);
    });
  });
}
