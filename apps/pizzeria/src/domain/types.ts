/** A pizza on Mario's menu, as the SQL database (the source of truth) stores it. */
export interface MenuItem {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Price in euros. */
  readonly price: number;
  /** Ingredients used by one pizza: ingredient id → units. */
  readonly ingredients: Readonly<Record<string, number>>;
  readonly available: boolean;
}

/** Fields of a menu item that can be changed. */
export interface MenuItemPatch {
  readonly name?: string;
  readonly description?: string;
  readonly price?: number;
  readonly available?: boolean;
}

/** An ingredient and its stock, as the SQL database stores it. */
export interface Ingredient {
  readonly id: string;
  readonly name: string;
  readonly unit: string;
  readonly stock: number;
}

/** A line of a cart or an order. */
export interface OrderLine {
  readonly menuItemId: string;
  readonly quantity: number;
}

/**
 * Life of an order: `pending` (placed) → `queued` (inventory reserved, in the kitchen queue) →
 * `cooking` (a station took it) → `completed`; or `pending` → `rejected` (not enough stock).
 */
export type OrderStatus = 'pending' | 'queued' | 'cooking' | 'completed' | 'rejected';

/** An order, stored as an entity in the cache repository (`order:<id>`). */
export interface Order {
  readonly id: string;
  readonly customerId: string;
  readonly lines: readonly OrderLine[];
  /** Kitchen priority: higher is cooked first. */
  readonly priority: number;
  /** Total in euros, from the menu prices when the order was placed. */
  readonly total: number;
  readonly status: OrderStatus;
  /** ISO timestamps. */
  readonly placedAt: string;
  readonly updatedAt: string;
  /** Units taken from stock when the order was accepted (ingredient id → units). */
  readonly reserved?: Readonly<Record<string, number>>;
  /** Why an order was rejected. */
  readonly rejectionReason?: string;
  /** Kitchen station that cooked it. */
  readonly station?: string;
}

/** What the kitchen knows about an order it is cooking (the value in the `kitchen_processing` hash). */
export interface KitchenTicket {
  readonly orderId: string;
  readonly priority: number;
  /** ISO timestamp of when the order entered the queue. */
  readonly queuedAt: string;
  readonly kitchenStation: string;
  /** ISO timestamp of when the station took it. */
  readonly startedAt: string;
  /** ID of its entry in the kitchen stream (`kitchen_orders`): what completion acknowledges. */
  readonly entryId: string;
  /** Taken over from a station that died while it had the order (`XAUTOCLAIM`). */
  readonly reclaimed?: true;
}

/** A customer session (its hash), with its JSON fields decoded. */
export interface CustomerSession {
  readonly customerId: string;
  readonly loginTime: string;
  readonly cartItems: readonly OrderLine[];
  readonly preferences: Readonly<Record<string, unknown>>;
  readonly lastActivity: string;
}
