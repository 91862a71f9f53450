import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CacheRepository,
  type Clock,
  type Duration,
  InvalidArgumentError,
  type LockBackend,
  type StreamEntry,
  systemClock,
} from '@forno/core';
import type { KitchenTicket } from '../domain/types.js';

/** Options of {@link KitchenQueueService}. */
export interface KitchenQueueServiceOptions {
  readonly clock?: Clock;
  /**
   * How long an order may stay taken without being completed before another station reclaims it
   * (default `'30s'`): longer than any cooking, or live stations lose orders to each other (which
   * the order lock's status checks absorb, at the cost of cooking twice).
   */
  readonly reclaimAfter?: Duration;
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

/** The fields of a kitchen stream entry. */
interface KitchenEntry {
  readonly orderId: string;
  readonly score: number;
}

/** How long one station may hold the right to move the next order from the line to the stream. */
const PROMOTION_LEASE = '2s';

/**
 * The kitchen queue, crash-safe: no order is lost when a station dies while it has it.
 *
 * - `kitchen_queue`: the line, a sorted set ordered by priority then age (see {@link kitchenScore});
 *   the member is the order id, so queueing an order twice keeps one entry.
 * - `kitchen_orders`: a stream read by the consumer group `kitchen`, each station a consumer. A
 *   station takes an order with `XREADGROUP`, which hands the entry to that station alone and
 *   records it as pending in the same atomic step; completion acknowledges it (`XACK`). An entry a
 *   station took and never acknowledged (the station died) is reclaimed by the next station that
 *   asks for work once it has been idle `reclaimAfter` (`XAUTOCLAIM`).
 * - `kitchen_processing`: the tickets being cooked (order id → ticket), a view for the dashboard.
 *
 * Orders move from the line to the stream one at a time, highest first, when a station finds the
 * stream empty — so priorities keep their meaning — under a short lease so that two stations do
 * not move the same order. A station that dies between the `XADD` and the `ZREM` of a move leaves
 * the order in both; it is moved again later, and the second entry is dropped by
 * `OrderProcessingService.startNextOrder`, whose status check under the order lock absorbs it.
 */
export class KitchenQueueService {
  static readonly QUEUE_KEY = 'kitchen_queue';
  static readonly STREAM_KEY = 'kitchen_orders';
  static readonly GROUP = 'kitchen';
  static readonly PROCESSING_KEY = 'kitchen_processing';
  static readonly PROMOTION_KEY = 'kitchen_promotion';
  readonly #cache: CacheRepository & LockBackend;
  readonly #clock: Clock;
  readonly #reclaimAfter: Duration;
  #group: Promise<unknown> | undefined;
  /** Where the next `XAUTOCLAIM` scan starts, so every pending entry is looked at in turn. */
  #reclaimCursor = '0-0';

  constructor(cache: CacheRepository & LockBackend, options: KitchenQueueServiceOptions = {}) {
    this.#cache = cache;
    this.#clock = options.clock ?? systemClock;
    this.#reclaimAfter = options.reclaimAfter ?? '30s';
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
   * Takes the next order for a station and records it as being cooked there; `null` when nothing
   * is waiting. First an order whose station died (idle longer than `reclaimAfter`: the ticket
   * says `reclaimed: true`), then the next in line.
   */
  async getNextOrder(kitchenStationId: string): Promise<KitchenTicket | null> {
    await this.#ensureGroup();
    const { STREAM_KEY, GROUP } = KitchenQueueService;
    const claimed = await this.#cache.xautoclaim<KitchenEntry>(
      STREAM_KEY,
      GROUP,
      kitchenStationId,
      this.#reclaimAfter,
      { start: this.#reclaimCursor, count: 1 },
    );
    this.#reclaimCursor = claimed.next;
    const [orphan] = claimed.entries;
    if (orphan !== undefined) return this.#ticket(orphan, kitchenStationId, true);
    for (;;) {
      const [entry] = await this.#cache.xreadgroup<KitchenEntry>(STREAM_KEY, GROUP, kitchenStationId, {
        count: 1,
      });
      if (entry !== undefined) return this.#ticket(entry, kitchenStationId, false);
      if ((await this.#cache.zcard(KitchenQueueService.QUEUE_KEY)) === 0) return null;
      if (!(await this.#promoteNext())) await sleep(2); // another station is moving one
    }
  }

  /**
   * Gives a ticket up (the station could not start it): the order goes back to its original place
   * in line, and its stream entry is acknowledged.
   */
  async requeue(ticket: Pick<KitchenTicket, 'orderId' | 'priority' | 'queuedAt' | 'entryId'>): Promise<void> {
    const score = kitchenScore(ticket.priority, Date.parse(ticket.queuedAt));
    await this.#cache.zadd(KitchenQueueService.QUEUE_KEY, { member: ticket.orderId, score }, { nx: true });
    await this.dropTicket(ticket);
  }

  /** Takes an order out of the line; `false` if it was not waiting there. */
  async removeFromQueue(orderId: string): Promise<boolean> {
    return (await this.#cache.zrem(KitchenQueueService.QUEUE_KEY, orderId)) === 1;
  }

  /**
   * Marks an order's cooking as done: acknowledges its stream entry and clears its ticket; `false`
   * if it was not being cooked.
   */
  async completeOrderProcessing(orderId: string): Promise<boolean> {
    const ticket = await this.#cache.hget<KitchenTicket>(KitchenQueueService.PROCESSING_KEY, orderId);
    if (ticket === null) return false;
    await this.#cache.xack(KitchenQueueService.STREAM_KEY, KitchenQueueService.GROUP, ticket.entryId);
    return (await this.#cache.hdel(KitchenQueueService.PROCESSING_KEY, orderId)) === 1;
  }

  /**
   * Drops a ticket that will not be cooked (its order is gone, or done, or a second entry of an
   * order already taken): acknowledges its entry, and clears the order's ticket if it is this one.
   */
  async dropTicket(ticket: Pick<KitchenTicket, 'orderId' | 'entryId'>): Promise<void> {
    await this.#cache.xack(KitchenQueueService.STREAM_KEY, KitchenQueueService.GROUP, ticket.entryId);
    const current = await this.#cache.hget<KitchenTicket>(KitchenQueueService.PROCESSING_KEY, ticket.orderId);
    if (current?.entryId === ticket.entryId) {
      await this.#cache.hdel(KitchenQueueService.PROCESSING_KEY, ticket.orderId);
    }
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

  /** Number of orders waiting in line. */
  async queueLength(): Promise<number> {
    return this.#cache.zcard(KitchenQueueService.QUEUE_KEY);
  }

  /** Orders being cooked, by order id. */
  async inProgress(): Promise<KitchenTicket[]> {
    const tickets = await this.#cache.hgetall<KitchenTicket>(KitchenQueueService.PROCESSING_KEY);
    return Object.values(tickets).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  /** Entries taken and not acknowledged yet (orders being cooked, or held by a dead station). */
  async pendingCount(): Promise<number> {
    await this.#ensureGroup();
    return (await this.#cache.xpending(KitchenQueueService.STREAM_KEY, KitchenQueueService.GROUP)).count;
  }

  /** Creates the stream and its group once per instance (every instance may: `false` means it existed). */
  #ensureGroup(): Promise<unknown> {
    this.#group ??= this.#cache
      .xgroupCreate(KitchenQueueService.STREAM_KEY, KitchenQueueService.GROUP, '0', { mkStream: true })
      .catch((error: unknown) => {
        this.#group = undefined;
        throw error;
      });
    return this.#group;
  }

  /**
   * Moves the highest order of the line to the stream, under a short lease; `false` when another
   * station holds the lease. `XADD` comes before `ZREM`: a crash in between duplicates the order
   * (absorbed later), never loses it.
   */
  async #promoteNext(): Promise<boolean> {
    const { PROMOTION_KEY, QUEUE_KEY, STREAM_KEY } = KitchenQueueService;
    const token = randomUUID();
    const lease = await this.#cache.setIfAbsent(PROMOTION_KEY, token, PROMOTION_LEASE);
    if (!lease.acquired) return false;
    try {
      const [next] = await this.#cache.zrevrange<string>(QUEUE_KEY, 0, 0, { withScores: true });
      if (next === undefined) return true;
      await this.#cache.xadd(STREAM_KEY, { orderId: next.member, score: next.score });
      await this.#cache.zrem(QUEUE_KEY, next.member);
      return true;
    } finally {
      await this.#cache.compareAndDelete(PROMOTION_KEY, token).catch(() => {});
    }
  }

  async #ticket(
    entry: StreamEntry<KitchenEntry>,
    kitchenStationId: string,
    reclaimed: boolean,
  ): Promise<KitchenTicket> {
    const { priority, queuedAtMs } = fromKitchenScore(entry.fields.score);
    const ticket: KitchenTicket = {
      orderId: entry.fields.orderId,
      priority,
      queuedAt: new Date(queuedAtMs).toISOString(),
      kitchenStation: kitchenStationId,
      startedAt: new Date(this.#clock.now()).toISOString(),
      entryId: entry.id,
      ...(reclaimed ? { reclaimed: true as const } : {}),
    };
    await this.#cache.hset(KitchenQueueService.PROCESSING_KEY, ticket.orderId, ticket);
    return ticket;
  }
}
