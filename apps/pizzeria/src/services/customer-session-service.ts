import { type CacheRepository, type Clock, type Duration, systemClock } from '@forno/core';
import { SessionNotFoundError, UnknownMenuItemError } from '../domain/errors.js';
import type { CustomerSession, MenuItem, OrderLine } from '../domain/types.js';

/** Where a cart's items are checked: the (cached) menu. */
export interface MenuLookup {
  getMenuItem(itemId: string): Promise<MenuItem | null>;
}

/** Options of {@link CustomerSessionService}. */
export interface CustomerSessionServiceOptions {
  /** Session lifetime, renewed by every cart update (default `'4h'`). */
  readonly ttl?: Duration;
  readonly clock?: Clock;
  /** When given, cart items must be on it and available (`UnknownMenuItemError`, 422), as for orders. */
  readonly menu?: MenuLookup;
}

/** What a new session starts with. */
export interface NewSession {
  readonly cartItems?: readonly OrderLine[];
  readonly preferences?: Readonly<Record<string, unknown>>;
}

/** The hash fields of a session, as stored. Values go through the serializer, so no manual JSON. */
interface SessionFields {
  customer_id?: string;
  login_time?: string;
  cart_items?: OrderLine[];
  preferences?: Record<string, unknown>;
  last_activity?: string;
}

/**
 * Customer sessions: one hash per customer (`sessions:<id>`) with snake_case field names
 * (`customer_id`, `cart_items`, `last_activity`, …), expiring 4 hours after the last activity. The cart can be read alone with HGET.
 */
export class CustomerSessionService {
  readonly #cache: CacheRepository;
  readonly #ttl: Duration;
  readonly #clock: Clock;
  readonly #menu: MenuLookup | undefined;

  constructor(cache: CacheRepository, options: CustomerSessionServiceOptions = {}) {
    this.#cache = cache;
    this.#ttl = options.ttl ?? '4h';
    this.#clock = options.clock ?? systemClock;
    this.#menu = options.menu;
  }

  /** The hash key of a customer's session. */
  static keyOf(customerId: string): string {
    return `sessions:${customerId}`;
  }

  /**
   * Creates (or replaces) a session. A replacement never loses the old session: the new fields are
   * written in one HSET, which overwrites every field of the old one at once or — when a value
   * cannot be serialized, or the write fails — leaves it untouched.
   */
  async createCustomerSession(customerId: string, data: NewSession = {}): Promise<CustomerSession> {
    const key = CustomerSessionService.keyOf(customerId);
    await this.#assertOnMenu(data.cartItems ?? []);
    const now = this.#now();
    const fields: Required<SessionFields> = {
      customer_id: customerId,
      login_time: now,
      cart_items: [...(data.cartItems ?? [])],
      preferences: { ...(data.preferences ?? {}) },
      last_activity: now,
    };
    // No DEL first: a failed write would then lose the old session. Every session has exactly
    // these fields, so one HSET replaces all of them, atomically.
    await this.#cache.hset(key, fields);
    await this.#cache.expire(key, this.#ttl);
    return toSession(fields)!;
  }

  /**
   * Replaces the cart and renews the session's TTL (a sliding 4 h). Throws `SessionNotFoundError`
   * when there is no session: writing the fields anyway would create a half session without TTL.
   */
  async updateCustomerCart(customerId: string, cartItems: readonly OrderLine[]): Promise<CustomerSession> {
    const key = CustomerSessionService.keyOf(customerId);
    await this.#assertOnMenu(cartItems);
    if (!(await this.#cache.exists(key))) throw new SessionNotFoundError(customerId);
    await this.#cache.hset(key, { cart_items: [...cartItems], last_activity: this.#now() });
    await this.#cache.expire(key, this.#ttl);
    const session = await this.getCustomerSession(customerId);
    if (session === null) throw new SessionNotFoundError(customerId);
    return session;
  }

  /** The whole session, or `null` when there is none (expired, or never created). */
  async getCustomerSession(customerId: string): Promise<CustomerSession | null> {
    const fields = await this.#cache.hgetall(CustomerSessionService.keyOf(customerId));
    return toSession(fields as SessionFields);
  }

  /** Only the cart (one HGET), `null` when there is no session (every session has a cart). */
  async getCustomerCart(customerId: string): Promise<OrderLine[] | null> {
    return this.#cache.hget<OrderLine[]>(CustomerSessionService.keyOf(customerId), 'cart_items');
  }

  /** Remaining lifetime in ms (`-2` when there is no session), as PTTL. */
  async sessionTtl(customerId: string): Promise<number> {
    return this.#cache.ttl(CustomerSessionService.keyOf(customerId));
  }

  /** Ends a session; `true` if there was one. */
  async endCustomerSession(customerId: string): Promise<boolean> {
    return (await this.#cache.delete(CustomerSessionService.keyOf(customerId))) > 0;
  }

  async #assertOnMenu(lines: readonly OrderLine[]): Promise<void> {
    if (this.#menu === undefined) return;
    for (const { menuItemId } of lines) {
      const item = await this.#menu.getMenuItem(menuItemId);
      if (item === null) throw new UnknownMenuItemError(menuItemId);
      if (!item.available) throw new UnknownMenuItemError(menuItemId, 'is not available');
    }
  }

  #now(): string {
    return new Date(this.#clock.now()).toISOString();
  }
}

function toSession(fields: SessionFields): CustomerSession | null {
  if (fields.customer_id === undefined) return null;
  return {
    customerId: fields.customer_id,
    loginTime: fields.login_time ?? '',
    cartItems: fields.cart_items ?? [],
    preferences: fields.preferences ?? {},
    lastActivity: fields.last_activity ?? '',
  };
}
