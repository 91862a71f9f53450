import { randomUUID } from 'node:crypto';
import {
  type CacheEventEmitter,
  type CacheRepository,
  type Clock,
  type Duration,
  EntityExistsError,
  type LockBackend,
  type Repository,
  systemClock,
} from '@forno/core';
import { DistributedLock, type DistributedLockOptions, type Lock } from '@forno/lock';
import {
  InsufficientInventoryError,
  NotFoundError,
  OrderExistsError,
  PizzeriaError,
  UnknownMenuItemError,
} from '../domain/errors.js';
import type { KitchenTicket, Order, OrderLine } from '../domain/types.js';
import type { InventoryService } from './inventory-service.js';
import type { KitchenQueueService } from './kitchen-queue-service.js';
import type { MenuCacheService } from './menu-cache-service.js';
import type { PizzaAnalyticsService } from './pizza-analytics-service.js';

/** What {@link OrderProcessingService} works with besides the cache repository. */
export interface OrderProcessingDependencies {
  /** Where orders live (`order:<id>` in the cache repository, through `CacheEntityRepository`). */
  readonly orders: Repository<Order, string>;
  /** Stock changes under per-ingredient locks, fenced. */
  readonly inventory: InventoryService;
  /** Menu lookups (prices, ingredients) go through the cache. */
  readonly menu: MenuCacheService;
  readonly kitchen: KitchenQueueService;
  /** Popularity and hourly counts of accepted orders; best effort. */
  readonly analytics?: PizzaAnalyticsService;
}

/** Options of {@link OrderProcessingService}. */
export interface OrderProcessingOptions {
  /** Lease of an order lock (default 30 s); renewed while held. */
  readonly orderLockTimeout?: Duration;
  /** How long to wait for a lock before giving up (default `'10s'`). */
  readonly lockWaitTimeout?: Duration;
  /** Receives every lock's events (acquired, waited, timeout, lost…), for metrics. */
  readonly lockEvents?: CacheEventEmitter;
  readonly clock?: Clock;
  /** Id of a new order (default: a random UUID). */
  readonly newOrderId?: () => string;
}

/** A new order. */
export interface PlaceOrder {
  readonly customerId: string;
  readonly lines: readonly OrderLine[];
  /** Kitchen priority 0-100 (default 0). */
  readonly priority?: number;
  /** Use this id instead of a generated one (an idempotency key from the client). */
  readonly orderId?: string;
}

/** Result of {@link OrderProcessingService.processOrderSafely}. */
export interface ProcessResult {
  /**
   * `processed`: stock reserved and the order queued for the kitchen; `rejected`: not enough
   * stock; `already-processed`: someone processed it before (a no-op).
   */
  readonly outcome: 'processed' | 'rejected' | 'already-processed';
  readonly order: Order;
}

/** An order is in a state that does not allow the operation. */
export class OrderStateError extends PizzeriaError {
  constructor(order: Order, operation: string) {
    super('E_ORDER_STATE', 409, `cannot ${operation} order ${order.id}: it is ${order.status}`);
  }
}

/**
 * Order processing: orders are processed under a per-order distributed lock,
 * and stock is changed under a per-ingredient lock (by {@link InventoryService}).
 *
 * - **Processed once.** The status check happens under the order lock, so a second
 *   `processOrderSafely` of the same order — a retry, a redelivered message, another instance — is
 *   a no-op that reports `already-processed`.
 * - **Stock never negative.** Each ingredient is read, checked and written under its own lock, and
 *   a change that would go below zero is refused with `InsufficientInventoryError`; an order that
 *   cannot be served gives back what it had already taken and is `rejected`.
 * - **Stale holders refused.** The stock write carries the lock's fencing token; the database
 *   refuses a token older than the last one it saw (`StaleFencingTokenError`), so a holder whose
 *   lease ran out during a pause cannot overwrite a newer holder's stock.
 */
export class OrderProcessingService {
  readonly #cache: CacheRepository & LockBackend;
  readonly #deps: OrderProcessingDependencies;
  readonly #orderLock: DistributedLockOptions;
  readonly #clock: Clock;
  readonly #newOrderId: () => string;

  constructor(
    cache: CacheRepository & LockBackend,
    deps: OrderProcessingDependencies,
    options: OrderProcessingOptions = {},
  ) {
    this.#cache = cache;
    this.#deps = deps;
    const shared: DistributedLockOptions = {
      waitTimeout: options.lockWaitTimeout ?? '10s',
      ...(options.lockEvents === undefined ? {} : { events: options.lockEvents }),
    };
    this.#orderLock = { ...shared, timeout: options.orderLockTimeout ?? '30s' };
    this.#clock = options.clock ?? systemClock;
    this.#newOrderId = options.newOrderId ?? randomUUID;
  }

  /** Lock key of an order (`order_lock:<id>`, under the `mario_pizzeria:` prefix). */
  static orderLockKeyOf(orderId: string): string {
    return `order_lock:${orderId}`;
  }

  /**
   * Places a `pending` order, priced from the (cached) menu. An `orderId` that exists already is
   * refused with `OrderExistsError` (409): the first order stays as it was.
   */
  async placeOrder(request: PlaceOrder): Promise<Order> {
    let total = 0;
    for (const line of request.lines) {
      const item = await this.#deps.menu.getMenuItem(line.menuItemId);
      if (item === null) throw new UnknownMenuItemError(line.menuItemId);
      if (!item.available) throw new UnknownMenuItemError(line.menuItemId, 'is not available');
      total += item.price * line.quantity;
    }
    const now = this.#now();
    const order: Order = {
      id: request.orderId ?? this.#newOrderId(),
      customerId: request.customerId,
      lines: request.lines.map(({ menuItemId, quantity }) => ({ menuItemId, quantity })),
      priority: request.priority ?? 0,
      total: Math.round(total * 100) / 100,
      status: 'pending',
      placedAt: now,
      updatedAt: now,
    };
    try {
      return await this.#deps.orders.add(order);
    } catch (error) {
      if (EntityExistsError.is(error)) throw new OrderExistsError(order.id, { cause: error });
      throw error;
    }
  }

  /** An order, or `null`. */
  async getOrder(orderId: string): Promise<Order | null> {
    return this.#deps.orders.get(orderId);
  }

  /**
   * Processes a pending order: reserves its ingredients, marks it `queued` and queues it for the
   * kitchen. Idempotent: see the class comment.
   */
  async processOrderSafely(orderId: string): Promise<ProcessResult> {
    await using lock = await this.#acquire(OrderProcessingService.orderLockKeyOf(orderId), this.#orderLock);
    const order = await this.#requireOrder(orderId);
    if (order.status !== 'pending') return { outcome: 'already-processed', order };

    const needs = await this.#ingredientsOf(order);
    let reserved: Map<string, number>;
    try {
      reserved = await this.#reserve(needs);
    } catch (error) {
      if (!(error instanceof InsufficientInventoryError)) throw error;
      lock.throwIfLost();
      const rejected: Order = {
        ...order,
        status: 'rejected',
        rejectionReason: error.message,
        updatedAt: this.#now(),
      };
      await this.#deps.orders.update(rejected);
      return { outcome: 'rejected', order: rejected };
    }
    const queued: Order = {
      ...order,
      status: 'queued',
      reserved: Object.fromEntries(reserved),
      updatedAt: this.#now(),
    };
    try {
      // Lost the order lock (a pause longer than the lease)? Its new holder may be processing this
      // order too: give the stock back rather than risk taking it twice.
      lock.throwIfLost();
      // Queue first, then the status: a station that pops the order waits for this order lock, so
      // it always finds the order `queued`; and if either step fails, the order is still pending
      // and a retry starts from scratch.
      await this.#deps.kitchen.addOrderToQueue(order.id, order.priority);
      await this.#deps.orders.update(queued);
    } catch (error) {
      await this.#deps.kitchen.removeFromQueue(order.id).catch(() => {});
      await this.#giveBack([...reserved]);
      throw error;
    }
    await this.#track(queued);
    return { outcome: 'processed', order: queued };
  }

  /**
   * Changes an ingredient's stock under its inventory lock; see {@link InventoryService.coordinateInventoryUpdate}.
   */
  coordinateInventoryUpdate(ingredientId: string, quantityChange: number): Promise<number> {
    return this.#deps.inventory.coordinateInventoryUpdate(ingredientId, quantityChange);
  }

  /**
   * Takes the next order from the kitchen queue for `kitchenStationId` and marks it `cooking`;
   * `null` when nothing is waiting. Should marking fail, the order goes back to its place in line.
   * An order whose station died (reclaimed by the kitchen) is taken over, `cooking` or not.
   */
  async startNextOrder(kitchenStationId: string): Promise<{ ticket: KitchenTicket; order: Order } | null> {
    for (;;) {
      const ticket = await this.#deps.kitchen.getNextOrder(kitchenStationId);
      if (ticket === null) return null;
      try {
        await using _lock = await this.#acquire(
          OrderProcessingService.orderLockKeyOf(ticket.orderId),
          this.#orderLock,
        );
        const order = await this.#deps.orders.get(ticket.orderId);
        // A reclaimed ticket of an order still `cooking`: its station died mid-order; take it over.
        const takeOver = ticket.reclaimed === true && order?.status === 'cooking';
        if (order === null || (order.status !== 'queued' && !takeOver)) {
          // A ticket for an order that is gone or already past the queue (a second entry, or one
          // completed by a station that died before acknowledging it): drop it, take the next.
          await this.#deps.kitchen.dropTicket(ticket);
          continue;
        }
        const cooking: Order = {
          ...order,
          status: 'cooking',
          station: kitchenStationId,
          updatedAt: this.#now(),
        };
        await this.#deps.orders.update(cooking);
        return { ticket, order: cooking };
      } catch (error) {
        await this.#deps.kitchen.requeue(ticket).catch(() => {});
        throw error;
      }
    }
  }

  /**
   * Marks a cooking order `completed` and clears it from the kitchen. Idempotent: completing a
   * completed order returns `completed: false`. Completing an order that is not cooking throws
   * `OrderStateError`.
   */
  async completeOrder(orderId: string): Promise<{ completed: boolean; order: Order }> {
    await using _lock = await this.#acquire(OrderProcessingService.orderLockKeyOf(orderId), this.#orderLock);
    const order = await this.#requireOrder(orderId);
    if (order.status === 'completed') return { completed: false, order };
    if (order.status !== 'cooking') throw new OrderStateError(order, 'complete');
    const completed: Order = { ...order, status: 'completed', updatedAt: this.#now() };
    await this.#deps.orders.update(completed);
    await this.#deps.kitchen.completeOrderProcessing(orderId);
    return { completed: true, order: completed };
  }

  #acquire(key: string, options: DistributedLockOptions): Promise<Lock> {
    return new DistributedLock(this.#cache, key, options).acquire();
  }

  async #requireOrder(orderId: string): Promise<Order> {
    const order = await this.#deps.orders.get(orderId);
    if (order === null) throw new NotFoundError('order', orderId);
    return order;
  }

  /** Units per ingredient for the whole order, sorted by ingredient id. */
  async #ingredientsOf(order: Order): Promise<[string, number][]> {
    const needs = new Map<string, number>();
    for (const line of order.lines) {
      const item = await this.#deps.menu.getMenuItem(line.menuItemId);
      if (item === null) throw new UnknownMenuItemError(line.menuItemId);
      for (const [ingredient, units] of Object.entries(item.ingredients)) {
        needs.set(ingredient, (needs.get(ingredient) ?? 0) + units * line.quantity);
      }
    }
    return [...needs].sort(([a], [b]) => a.localeCompare(b));
  }

  /**
   * Takes every ingredient, one lock at a time; if one cannot be taken, gives back what was taken
   * and rethrows. Locks are never nested, so two orders cannot deadlock.
   */
  async #reserve(needs: readonly [string, number][]): Promise<Map<string, number>> {
    const taken = new Map<string, number>();
    try {
      for (const [ingredient, units] of needs) {
        await this.#deps.inventory.coordinateInventoryUpdate(ingredient, -units);
        taken.set(ingredient, units);
      }
      return taken;
    } catch (error) {
      await this.#giveBack([...taken]);
      throw error;
    }
  }

  async #giveBack(taken: readonly [string, number][]): Promise<void> {
    for (const [ingredient, units] of [...taken].reverse()) {
      // A failure here leaves stock too low (never negative); it is rethrown to the caller's caller.
      await this.#deps.inventory.coordinateInventoryUpdate(ingredient, units);
    }
  }

  /** Best-effort analytics: a failure there must not fail an order that is already queued. */
  async #track(order: Order): Promise<void> {
    const analytics = this.#deps.analytics;
    if (analytics === undefined) return;
    try {
      for (const line of order.lines) await analytics.trackPopularPizza(line.menuItemId, line.quantity);
      await analytics.trackHourlyOrders();
    } catch {
      // Counted nowhere on purpose: analytics are approximate by nature.
    }
  }

  #now(): string {
    return new Date(this.#clock.now()).toISOString();
  }
}
