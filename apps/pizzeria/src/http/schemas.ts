/**
 * JSON schemas shared by the routes. Fastify validates params, query and body against them before
 * a handler runs; the error handler turns a failure into a 400 naming the field. Unknown body
 * fields are rejected, not silently dropped (`additionalProperties: false` with AJV's
 * `removeAdditional` off, see `buildServer`).
 */

export const idPattern = '^[A-Za-z0-9_.@-]{1,64}$';
export const slugPattern = '^[a-z0-9_-]{1,32}$';

export const idString = { type: 'string', pattern: idPattern } as const;
export const slugString = { type: 'string', pattern: slugPattern } as const;

/** A line of a cart or an order. */
export const orderLineSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['menuItemId', 'quantity'],
  properties: {
    menuItemId: slugString,
    quantity: { type: 'integer', minimum: 1, maximum: 20 },
  },
} as const;

export const orderLinesSchema = { type: 'array', maxItems: 20, items: orderLineSchema } as const;

/** `{ <name>: <id> }` path parameters. */
export function paramsOf<const K extends string>(
  ...names: K[]
): {
  type: 'object';
  required: K[];
  properties: Record<K, typeof idString>;
} {
  return {
    type: 'object',
    required: names,
    properties: Object.fromEntries(names.map((name) => [name, idString])) as Record<K, typeof idString>,
  };
}
