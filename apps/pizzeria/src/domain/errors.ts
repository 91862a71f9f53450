/**
 * Domain errors of the pizzeria. Each has a stable `code` and the HTTP status the API answers
 * with, so the error handler needs no per-class mapping. Cache failures are `CacheError`s from
 * `@forno/core` and are kept apart: they mean "the cache is down or busy", not "your request is wrong".
 */
export class PizzeriaError extends Error {
  /** Stable, machine-readable code. */
  readonly code: string;
  /** HTTP status the API answers with. */
  readonly statusCode: number;
  /** The input at fault, as a path (`preferences.crust`), when there is one. */
  readonly field: string | undefined;

  constructor(
    code: string,
    statusCode: number,
    message: string,
    options?: { cause?: unknown; field?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.statusCode = statusCode;
    this.field = options?.field;
  }
}

/**
 * Input that a JSON schema cannot describe is wrong (a calendar date that does not exist, a
 * preference nested too deep, a price that is not finite): 400 naming the field, like a schema error.
 */
export class InvalidInputError extends PizzeriaError {
  constructor(field: string, problem: string) {
    super('E_VALIDATION', 400, `${field} ${problem}`, { field });
  }
}

/** One field of the input is larger than the app stores (413). */
export class InputTooLargeError extends PizzeriaError {
  constructor(field: string, maxBytes: number) {
    super('E_PAYLOAD_TOO_LARGE', 413, `${field} is larger than ${maxBytes} bytes`, { field });
  }
}

/** The menu database failed (or its circuit is open): an outage, retry later (503). */
export class MenuDatabaseUnavailableError extends PizzeriaError {
  constructor(options?: { cause?: unknown }) {
    super('E_DATABASE_UNAVAILABLE', 503, 'the menu database is unavailable; retry later', options);
  }
}

/** An order with this id exists already: a conflict with the client's earlier request, not an outage. */
export class OrderExistsError extends PizzeriaError {
  constructor(orderId: string, options?: { cause?: unknown }) {
    super('E_ORDER_EXISTS', 409, `order "${orderId}" exists already`, options);
  }
}

/** A menu item, order, session, ingredient or campaign does not exist. */
export class NotFoundError extends PizzeriaError {
  constructor(what: string, id: string) {
    super('E_NOT_FOUND', 404, `${what} "${id}" not found`);
  }
}

/** A menu item of an order does not exist or is not available. */
export class UnknownMenuItemError extends PizzeriaError {
  readonly menuItemId: string;

  constructor(menuItemId: string, reason = 'is not on the menu') {
    super('E_UNKNOWN_MENU_ITEM', 422, `menu item "${menuItemId}" ${reason}`);
    this.menuItemId = menuItemId;
  }
}

/** The stock of an ingredient would go below zero. Nothing was written. */
export class InsufficientInventoryError extends PizzeriaError {
  readonly ingredientId: string;
  readonly requested: number;
  readonly available: number;

  constructor(ingredientId: string, requested: number, available: number) {
    super(
      'E_INSUFFICIENT_INVENTORY',
      409,
      `cannot reduce ${ingredientId} by ${requested}: current stock is ${available}`,
    );
    this.ingredientId = ingredientId;
    this.requested = requested;
    this.available = available;
  }
}

/**
 * The source of truth refused a stock write because a holder with a newer fencing token has
 * written since: this writer's lock expired (a long pause, a partition) and someone else took it.
 */
export class StaleFencingTokenError extends PizzeriaError {
  readonly ingredientId: string;
  readonly fencingToken: number;
  readonly lastFencingToken: number;

  constructor(ingredientId: string, fencingToken: number, lastFencingToken: number) {
    super(
      'E_STALE_FENCING_TOKEN',
      409,
      `stock write for ${ingredientId} refused: fencing token ${fencingToken} is not newer than ${lastFencingToken}`,
    );
    this.ingredientId = ingredientId;
    this.fencingToken = fencingToken;
    this.lastFencingToken = lastFencingToken;
  }
}

/**
 * A concurrent update got in the way: the inventory lock could not be acquired in time, or the stock changed between read and write. Safe to retry.
 */
export class ConcurrentUpdateError extends PizzeriaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_CONCURRENT_UPDATE', 409, message, options);
  }
}

/** A session operation found no session (it expired after 4 h, or never existed). */
export class SessionNotFoundError extends NotFoundError {
  constructor(customerId: string) {
    super('session of customer', customerId);
  }
}

/** True for a pizzeria domain error with this code. */
export function hasCode(error: unknown, code: string): boolean {
  return (error as { code?: unknown } | null | undefined)?.code === code;
}
