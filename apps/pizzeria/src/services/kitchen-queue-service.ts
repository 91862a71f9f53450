import { type CacheRepository, type Clock, InvalidArgumentError, systemClock } from '@forno/core';
import type { KitchenTicket } from '../domain/types.js';

/** Options of {@link KitchenQueueService}. */
export interface KitchenQueueServiceOptions {
  readonly clock?: Clock;
}

/** An order waiting in the kitchen queue. */
export interface QueuedOrder {
  readonly orderId: string;
  readonly priority: number;
  readonly queuedAt: string;
}

/** Highest priority accepted; keeps every score an exact integer below 2^53. */
export const MAX_PRIORITY = 100;
/** Width of the time part of a score: milliseconds until the year 2286. */
const TIME_SPAN = 10_000_000_000_000;

/**
 * Orders the kitchen by priority, then by age: a higher priority always comes first, and among
 * equal priorities the order queued first comes first (a score of the priority alone
 * would order ties by member bytes instead of by age). Exact: at most 100 × 10^13 + 10^13 < 2^53.
 */
export function kitchenScore(priority: number, queuedAtMs: number): number {
  return priority * TIME_SPAN + (TIME_SPAN - 1 - queuedAtMs);
}

/** Inverse of {@link kitchenScore}. */
export function fromKitchenScore(score: number): { priority: number; queuedAtMs: number } {
  const priority = Math.floor(score / TIME_SPAN);
  return { priority, queuedAtMs: TIME_SPAN - 1 - (score - priority * TIME_SPAN) };
}

/**
 * The kitchen queue: a sorted-set priority queue (`kitchen_queue`) and a hash of the
 * orders being cooked (`kitchen_processing`, order id → ticket).
 *
 * The member is the order id, so queueing an order twice keeps one entry (a retried "notify
 * kitchen" cannot make the kitchen cook an order twice), and priority and queue time are encoded
 * in the score (see {@link kitchenScore}).
 */
export class KitchenQueueService {
  static readonly QUEUE_KEY = 'kitchen_queue';
  static readonly PROCESSING_KEY = 'kitchen_processing';
  readonly #cache: CacheRepository;
  readonly #clock: Clock;

  constructor(cache: CacheRepository, options: KitchenQueueServiceOptions = {}) {
    this.#cache = cache;
    this.#clock = options.clock ?? systemClock;
  }

  /** Queues an order (priority 0-100, higher first). Returns `false` if it was already queued. */
  async addOrderToQueue(orderId: string, priority = 0): Promise<boolean> {
    if (!Number.isSafeInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
      throw new InvalidArgumentError(
        'priority',
        `expected an integer from 0 to ${MAX_PRIORITY}, got ${priority}`,
      );
    }
    const score = kitchenScore(priority, this.#clock.now());
    // NX: re-queueing keeps the original place in line.
    return (
      (await this.#cache.zadd(KitchenQueueService.QUEUE_KEY, { member: orderId, score }, { nx: true })) === 1
    );
  }

  /**
   * Takes the next order for a station and records it as being cooked there; `null` when the
   * queue is empty.
   *
   * No distributed lock around ZRANGE + ZREM is needed to keep two stations from taking the same
   * order: ZPOPMAX does both in one command, and Redis runs every command atomically: two
   * stations calling it at once get two different orders (or one gets nothing), without a lock —
   * one round trip instead of five (acquire, ZRANGE, ZREM, HSET, release), no lock key serializing
   * every station, and no window in which an expired lease lets a second station in between the
   * ZRANGE and the ZREM. The HSET that follows is not part of that atomic step; a crash between
   * the two loses the ticket (not the order, whose status is still `queued`), exactly like a crash
   * between a ZREM and an HSET; `requeue()` puts a ticket back when a station gives it up.
   */
  async getNextOrder(kitchenStationId: string): Promise<KitchenTicket | null> {
    const [next] = await this.#cache.zpopmax<string>(KitchenQueueService.QUEUE_KEY);
    if (next === undefined) return null;
    const { priority, queuedAtMs } = fromKitchenScore(next.score);
    const ticket: KitchenTicket = {
      orderId: next.member,
      priority,
      queuedAt: new Date(queuedAtMs).toISOString(),
      kitchenStation: kitchenStationId,
      startedAt: new Date(this.#clock.now()).toISOString(),
    };
    await this.#cache.hset(KitchenQueueService.PROCESSING_KEY, ticket.orderId, ticket);
    return ticket;
  }

  /** Puts a ticket's order back in the queue at its original place (a station gave it up). */
  async requeue(ticket: Pick<KitchenTicket, 'orderId' | 'priority' | 'queuedAt'>): Promise<void> {
    const score = kitchenScore(ticket.priority, Date.parse(ticket.queuedAt));
    await this.#cache.zadd(KitchenQueueService.QUEUE_KEY, { member: ticket.orderId, score }, { nx: true });
    await this.#cache.hdel(KitchenQueueService.PROCESSING_KEY, ticket.orderId);
  }

  /** Takes an order out of the queue; `false` if it was not waiting. */
  async removeFromQueue(orderId: string): Promise<boolean> {
    return (await this.#cache.zrem(KitchenQueueService.QUEUE_KEY, orderId)) === 1;
  }

  /** Marks an order's cooking as done; `false` if it was not being cooked. */
  async completeOrderProcessing(orderId: string): Promise<boolean> {
    return (await this.#cache.hdel(KitchenQueueService.PROCESSING_KEY, orderId)) === 1;
  }

  /** The first `limit` orders in line, next first. */
  async peekQueue(limit = 20): Promise<QueuedOrder[]> {
    const entries = await this.#cache.zrevrange<string>(KitchenQueueService.QUEUE_KEY, 0, limit - 1, {
      withScores: true,
    });
    return entries.map(({ member, score }) => {
      const { priority, queuedAtMs } = fromKitchenScore(score);
      return { orderId: member, priority, queuedAt: new Date(queuedAtMs).toISOString() };
    });
  }

  /** Number of orders waiting. */
  async queueLength(): Promise<number> {
    return this.#cache.zcard(KitchenQueueService.QUEUE_KEY);
  }

  /** Orders being cooked, by order id. */
  async inProgress(): Promise<KitchenTicket[]> {
    const tickets = await this.#cache.hgetall<KitchenTicket>(KitchenQueueService.PROCESSING_KEY);
    return Object.values(tickets).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }
}
