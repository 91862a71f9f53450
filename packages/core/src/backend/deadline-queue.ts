/** Something a {@link DeadlineQueue} expires when its deadline passes. */
export interface Expiring {
  /** When it expires, on the `performance.now()` clock (ms). */
  readonly deadline: number;
  /** Called once, by the queue's timer, when the deadline has passed and it is still queued. */
  expire(): void;
  /** Links of the queue (set by the queue only). */
  previous: Expiring | undefined;
  next: Expiring | undefined;
  queued: boolean;
}

/**
 * Deadlines of many operations on one timer: operations are kept in deadline order in a linked
 * list, and a single `setTimeout` is armed for the earliest one. One timer per operation costs a
 * `Timeout` object, a timer-list insertion and a removal each time; with the same budget for every
 * operation (the `commandTimeout`), deadlines arrive in order, so adding and removing are O(1) and
 * the timer fires at most once per budget while operations finish in time.
 *
 * Exact, not coarse: the timer is armed for the earliest deadline, so an operation expires when
 * its own timer would have fired. While the queue is empty the timer does not keep the process alive.
 */
export class DeadlineQueue {
  #head: Expiring | undefined;
  #tail: Expiring | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The deadline the timer is armed for. */
  #armedFor = 0;
  readonly #onTimer = () => this.#sweep();

  /** Queues `item` until {@link remove} or its deadline. */
  add(item: Expiring): void {
    item.queued = true;
    const tail = this.#tail;
    if (tail === undefined) {
      item.previous = item.next = undefined;
      this.#head = this.#tail = item;
    } else if (tail.deadline <= item.deadline) {
      item.previous = tail;
      item.next = undefined;
      tail.next = item;
      this.#tail = item;
    } else {
      this.#insertEarlier(item);
    }
    if (this.#timer === undefined) this.#arm(this.#head!.deadline);
    else if (this.#head === item) {
      // The first operation after the queue was empty (or one earlier than every other).
      if (item.deadline < this.#armedFor) this.#rearm(item.deadline);
      else this.#timer.ref();
    }
  }

  /** Takes `item` off the queue (it settled); does nothing if it is not queued. */
  remove(item: Expiring): void {
    if (!item.queued) return;
    item.queued = false;
    const { previous, next } = item;
    if (previous === undefined) this.#head = next;
    else previous.next = next;
    if (next === undefined) this.#tail = previous;
    else next.previous = previous;
    item.previous = item.next = undefined;
    if (this.#head === undefined) this.#timer?.unref();
  }

  /** Out-of-order deadline (a clock switched under fake timers): walk back from the tail. */
  #insertEarlier(item: Expiring): void {
    let after = this.#tail;
    while (after !== undefined && after.deadline > item.deadline) after = after.previous;
    const before = after === undefined ? this.#head : after.next;
    item.previous = after;
    item.next = before;
    if (after === undefined) this.#head = item;
    else after.next = item;
    if (before !== undefined) before.previous = item;
  }

  #arm(deadline: number): void {
    this.#armedFor = deadline;
    this.#timer = setTimeout(this.#onTimer, Math.max(0, deadline - performance.now()));
  }

  #rearm(deadline: number): void {
    clearTimeout(this.#timer);
    this.#arm(deadline);
  }

  /**
   * Expires every operation whose deadline has passed and arms the timer for the next one. The
   * time is at least the deadline the timer was armed for: a timer that fired has waited that
   * long, whichever clock a test fakes.
   */
  #sweep(): void {
    this.#timer = undefined;
    const now = Math.max(performance.now(), this.#armedFor);
    for (let item = this.#head; item !== undefined && item.deadline <= now; item = this.#head) {
      this.remove(item);
      item.expire();
    }
    if (this.#head !== undefined && this.#timer === undefined) this.#arm(this.#head.deadline);
  }
}
